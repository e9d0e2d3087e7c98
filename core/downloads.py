"""CSV downloads: RFC 4180 via the csv module, UTF-8, plain numbers, and no formulas for spreadsheets to run.

Every app's downloads are written here; each app builds its own rows (priorities/csv_export.py for the
actions, measures/csv_export.py for the values).
"""

import csv
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

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
