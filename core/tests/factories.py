import factory
from django.conf import settings


class UserFactory(factory.django.DjangoModelFactory):
    """A person with an account; an officer of the admin once `is_staff` is set."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("not-a-real-password")


class OfficerFactory(UserFactory):
    """An officer who may do everything in the admin."""

    username = factory.Sequence(lambda n: f"officer-{n}")
    is_staff = True
    is_superuser = True
