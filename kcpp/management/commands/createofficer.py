"""Create an officer account on a local copy and print its password, once.

The password is random and shown only when the account is made; nothing with a known password
is ever created. Outside debug the command refuses to run unless told the copy is not public.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create an officer account with a random password, printed once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="officer", help="Defaults to 'officer'.")
        parser.add_argument("--email", default="", help="The officer's email address.")
        parser.add_argument(
            "--group",
            action="append",
            default=[],
            help="An officer group to join (repeatable). Without one, the account is a superuser.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="If the account exists, give it a new random password (printed once).",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="Allow running with debug off, on a real deployment.",
        )

    def handle(self, *args, username, email, group, reset, production, **options):
        if not settings.DEBUG and not production:
            raise CommandError(
                "Debug is off, so this may be a real deployment. Add --production if you mean to create "
                "an officer account here."
            )
        groups = []
        for name in group:
            try:
                groups.append(Group.objects.get(name=name))
            except Group.DoesNotExist:
                known = ", ".join(Group.objects.order_by("name").values_list("name", flat=True))
                raise CommandError(f"No officer group called '{name}'. The groups are: {known}.") from None
        User = get_user_model()
        password = secrets.token_urlsafe(15)
        user = User.objects.filter(username=username).first()
        if user is not None and not reset:
            raise CommandError(
                f"There is already an account called '{username}'. Use --reset to give it a new password, "
                "or --username to choose another name."
            )
        if user is None:
            user = User(username=username, email=email, is_staff=True, is_superuser=not groups)
        user.set_password(password)
        user.save()
        user.groups.add(*groups)
        role = "superuser" if user.is_superuser else "officer in " + ", ".join(g.name for g in groups)
        self.stdout.write(
            self.style.SUCCESS(f"{'Reset' if reset else 'Created'} {role} account '{username}'.\n")
            + f"  Password (shown this once; keep it safe): {password}\n"
            + "  Sign in at http://127.0.0.1:8000/admin/"
        )
