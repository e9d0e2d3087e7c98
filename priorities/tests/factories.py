import factory

from core.models import Approval
from priorities.models import (
    Action,
    Commitment,
    Locality,
    PartnerOrganisation,
    PlanEdition,
    Priority,
    ProgressUpdate,
    PublicationStatus,
    Theme,
)


class PlanEditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanEdition

    title = factory.Sequence(lambda n: f"Test plan edition {n}")
    slug = factory.Sequence(lambda n: f"edition-{n}")
    start_year = 2022
    end_year = 2027
    vision = "People feel safe"
    status = PublicationStatus.DRAFT


class PublishedEditionFactory(PlanEditionFactory):
    status = PublicationStatus.PUBLISHED
    approval = PlanEdition.Approval.DECISION
    approval_body = "Cabinet"
    approval_date = factory.Faker("date_object")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    edition = factory.SubFactory(PlanEditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Commitment {n}")


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    edition = factory.SubFactory(PlanEditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")
    slug = factory.Sequence(lambda n: f"priority-{n}")
    introduction = "What this priority is about."


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(lambda n: n)


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality

    name = factory.Sequence(lambda n: f"Locality {n}")
    slug = factory.Sequence(lambda n: f"locality-{n}")


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partner {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    priority = factory.SubFactory(PriorityFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Do thing {n}")

    @factory.post_generation
    def lead_partners(action, create, partners, **kwargs):
        """`ActionFactory(lead_partners=[...])` sets the partners leading it."""
        if create and partners:
            action.lead_partners.add(*partners)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    date = factory.Faker("date_object")
    status = Action.Status.ON_TRACK
    commentary = "Going well."
    approval = Approval.FINAL  # approved by a second officer, as the public sees it
