"""CSV downloads: RFC 4180 via the csv module, UTF-8, plain numbers, and no formulas for spreadsheets to run.

The writing helpers live here, in the core app, because every app's downloads use them and `priorities`
imports no other app. The plan's actions as CSV are built here too; the measures' values are built in
measures/csv_export.py.
"""

import csv
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from priorities.models import Action, PartnerOrganisation, ProgressUpdate

# A text cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """One value as CSV text: numbers plain (4404, 47.9), dates ISO, booleans true/false, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat() if timezone.is_aware(value) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename, header, rows):
    """A CSV download named `filename`, with one header row and the given rows."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)  # the default dialect quotes as RFC 4180 says and ends lines with CRLF
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response


def what_to_choose(field):
    """For a list filter given a wrong value: the values it takes, or how to write one."""
    if isinstance(field, forms.ModelChoiceField):
        return field.help_text  # the records themselves would be a long list; the help says how to name one
    choices = [str(value) for value, _ in getattr(field, "choices", ()) if value != ""]
    return f"Choose one of: {', '.join(choices)}." if choices else ""


def filter_errors_response(filterset):
    """A download asked for with a wrong filter value: 400, and a plain message naming each filter and its fix.

    A script reading the download gets no rows it could mistake for the answer, and its author
    reads which parameter was wrong and what it takes.
    """
    form = filterset.form
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        hint = what_to_choose(field) if field is not None else ""
        for error in errors:
            message = f"{str(error).rstrip('.')}."
            if field is not None:
                message = f"{name}: {message} {hint}".strip()
            lines.append(message)
    lines.append(f"Every download's filters are described at {reverse('open-data')}")
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


# ---- the plan's actions ---------------------------------------------------------------------------


def _status_labels():
    return ", ".join(str(label) for label in Action.Status.labels)


# (column, what it holds): the header of the actions CSV, and its description on the open data page.
ACTION_COLUMNS = [
    ("edition", "The plan edition the action belongs to, by its identifier, e.g. 2022-2027"),
    ("priority_number", "The number of the priority the action comes under"),
    ("priority", "The priority’s title"),
    ("action_ref", "The action’s reference: its priority’s number and its own, e.g. 1.3"),
    ("action", "What the Board will do, word for word as the plan says it"),
    ("lead_body", "The board or group that oversees the action"),
    ("lead_partners", "The partner organisations leading it, separated by semicolons"),
    ("status", f"Where it stands: {_status_labels()}"),
    ("start_date", "When it starts (YYYY-MM-DD); empty if not set"),
    ("due_date", "When it is due (YYYY-MM-DD); empty if not set"),
    ("progress_percent", "Per cent complete, 0 to 100, where the lead reports one"),
    ("latest_update_date", "The date of its latest progress update (YYYY-MM-DD)"),
    ("latest_update", "What its latest progress update says; empty if there is none yet"),
    ("last_updated", "The day the action’s record last changed (YYYY-MM-DD)"),
]
ACTION_CSV_HEADER = [name for name, _ in ACTION_COLUMNS]


def actions_for_csv(actions):
    """`actions` with all their rows need, current plan first, in the plan's order: two queries in all."""
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-date", "-pk")
    partners = Prefetch("lead_partners", queryset=PartnerOrganisation.objects.order_by("name"))
    return (
        actions.select_related("priority__edition", "lead_body")
        .prefetch_related(partners)
        .annotate(
            latest_update_date=Subquery(latest.values("date")[:1]),
            latest_update=Subquery(latest.values("commentary")[:1]),
        )
        .order_by("-priority__edition__start_year", "-priority__edition__end_year", "priority__number", "number", "pk")
    )


def action_row(action):
    priority = action.priority
    return [
        priority.edition.slug,
        priority.number,
        priority.title,
        f"{priority.number}.{action.number}",
        action.text,
        action.lead_body.name if action.lead_body else "",
        "; ".join(partner.name for partner in action.lead_partners.all()),
        action.get_status_display(),
        action.start_date,
        action.due_date,
        action.progress,
        action.latest_update_date,
        action.latest_update,
        action.updated_at,
    ]


def action_rows(actions):
    return [action_row(action) for action in actions_for_csv(actions)]
