"""E-mail each officer what is due from them: figures for the last period, actions needing an update,
meetings without minutes (kcpp/todo.py). Run it from cron, e.g. every Monday at 7:00 (README)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from kcpp.todo import todo_for


def admin_link(base, record):
    opts = record._meta
    return base + reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def message(todo, base):
    """The to-do list as plain text: one line per item, each with where to do it."""
    lines = []
    if todo.figures:
        lines += ["Figures to enter:"]
        lines += [
            f"- {due.measure.code} {due.measure.title}: {due.period}"
            f"{' (overdue)' if due.overdue else ''} — {admin_link(base, due.measure)}"
            for due in todo.figures
        ]
    if todo.actions:
        lines += ["", "Actions needing attention:"] if lines else ["Actions needing attention:"]
        lines += [
            f"- {action.priority.number}.{action.number}: {flag.label}. {flag.explanation} — {admin_link(base, action)}"
            for action, flag in todo.actions
        ]
    if todo.meetings:
        lines += ["", "Meetings without minutes:"] if lines else ["Meetings without minutes:"]
        lines += [
            f"- {meeting.body.name}, {format_date(meeting.date, 'j F Y')} — {admin_link(base, meeting)}"
            for meeting in todo.meetings
        ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "E-mail each officer with an e-mail address what is due from them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "PORTAL_BASE_URL", "http://127.0.0.1:8000"),
            help="The portal's address, for the links (PORTAL_BASE_URL).",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        base = options["base_url"].rstrip("/")
        sent = skipped = 0
        officers = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
        for officer in officers:
            todo = todo_for(officer, today)
            if not todo:
                continue
            if not officer.email:
                skipped += 1
                self.stderr.write(f"{officer.get_username()} has things due but no e-mail address.")
                continue
            send_mail(
                subject=f"{settings.PORTAL['service_name']}: what is due from you",
                message=f"Hello {officer.get_full_name() or officer.get_username()},\n\n{message(todo, base)}\n",
                from_email=None,
                recipient_list=[officer.email],
            )
            sent += 1
        self.stdout.write(f"Sent {sent} reminder(s); {skipped} officer(s) with things due have no e-mail address.")
