"""E-mail each officer what is due from them: figures for the last period, actions needing an update,
entries waiting for their approval (publishers), meetings without minutes. The same to-do list as the
admin's front page (kcpp/todo.py). Run it from cron, e.g. every Monday at 7:00 (README)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from kcpp.todo import admin_change_url, officer_name, provisional_list_url, record_name, todo_for
from measures.models import ReportedValue
from priorities.models import ProgressUpdate


def admin_link(base, record):
    return base + admin_change_url(record)


def approvals(entries, base):
    """The entries waiting for the officer's approval, each with who entered it and where to approve it."""
    lines = [
        f"- {record_name(entry)}, entered by {officer_name(entry.entered_by)} — {admin_link(base, entry)}"
        for entry in [*entries.values, *entries.updates]
    ]
    for more, model, kind in (
        (entries.more_values, ReportedValue, "figures"),
        (entries.more_updates, ProgressUpdate, "progress updates"),
    ):
        if more:
            lines.append(f"- and more provisional {kind}: {base}{provisional_list_url(model)}")
    return lines


def message(todo, base):
    """The to-do list as plain text: one line per item, each with where to do it."""
    lines = []
    if todo.figures:
        lines += ["Figures to enter:"]
        lines += [
            f"- {due.measure.code} {due.measure.title}: {due.period}"
            f"{' (overdue)' if due.overdue else ''}. Enter it: {base}{due.entry_url} "
            f"(the measure: {admin_link(base, due.measure)})"
            for due in todo.figures
        ]
    if todo.actions:
        lines += ["", "Actions needing attention:"] if lines else ["Actions needing attention:"]
        lines += [
            f"- {record_name(action)}: {flag.label}. {flag.explanation}. — {admin_link(base, action)}"
            for action, flag in todo.actions
        ]
    if todo.to_approve:
        lines += ["", "Waiting for your approval:"] if lines else ["Waiting for your approval:"]
        lines += approvals(todo.to_approve, base)
    if todo.meetings:
        lines += ["", "Meetings without minutes:"] if lines else ["Meetings without minutes:"]
        lines += [
            f"- {meeting.body.name}, {meeting.date_text} — {admin_link(base, meeting)}" for meeting in todo.meetings
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
