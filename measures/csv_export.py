"""CSV downloads: RFC 4180 via the csv module, UTF-8, plain numbers, and no formulas for spreadsheets to run."""

import csv
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
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
