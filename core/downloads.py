"""CSV downloads: RFC 4180 via the csv module, UTF-8, plain numbers, and no formulas for spreadsheets to run.

Every app's downloads are written here; each app builds its own rows (priorities/csv_export.py for the
actions, measures/csv_export.py for the values). A download is streamed: its rows are written as they
are read from the database (`.iterator()`), so it takes the same memory however long it is.
"""

import csv
import hashlib
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core.cache import current_generation

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


# Rows read from the database at a time for a download (the `chunk_size` of its `.iterator()`), and
# written to the client at a time.
CHUNK = 1000


class _Line:
    """Where the csv module writes a row: it hands the row's text straight back."""

    def write(self, text):
        return text


def csv_lines(header, rows):
    """The CSV text of one header row and `rows` (any iterable: a generator reading the database), in pieces."""
    writer = csv.writer(_Line())  # the default dialect quotes as RFC 4180 says and ends lines with CRLF
    lines = [writer.writerow(header)]
    for row in rows:
        lines.append(writer.writerow([cell(value) for value in row]))
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def content_etag():
    """An ETag for a download made now, without reading it: the page cache's content generation, which any
    change to the plan, its measures or its meetings replaces (core/cache.py), and the day, as what an
    action's flag says depends on it. None while the cache cannot be asked."""
    try:
        generation = current_generation()
    except Exception:  # the cache client's own errors: no ETag, and the download is made as ever
        return None
    if generation is None:
        return None
    return f'"{hashlib.sha256(f"{generation} {timezone.localdate()}".encode()).hexdigest()[:32]}"'


def csv_response(filename, header, rows):
    """A CSV download named `filename`, with one header row and `rows`, streamed as they come.

    Check the request before calling this (a wrong filter is a 400 before any row is sent): `rows` are
    read only as the response is sent, and not at all for a client that has this version already
    (ConditionalGetMiddleware answers 304 to its If-None-Match: it cannot hash a streamed body itself).
    """
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if etag := content_etag():
        response["ETag"] = etag
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
