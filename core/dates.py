"""Dates known only to the month or the year, as the sources give them: stored as the first day, shown as known."""

from django.db import models
from django.utils.dateformat import format as format_date


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact day"
    MONTH = "month", "Month only"
    YEAR = "year", "Year only"


def partial_date_text(day, precision):
    """The date in words as far as it is known: 9 January 2024, December 2022 or 2020."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return format_date(day, "Y")
    if precision == DatePrecision.MONTH:
        return format_date(day, "F Y")
    return format_date(day, "j F Y")


def partial_date_iso(day, precision):
    """The date in ISO 8601 as far as it is known: 2024-01-09, 2022-12 or 2020, never a made-up day."""
    if day is None:
        return None
    text = day.isoformat()
    if precision == DatePrecision.YEAR:
        return text[: len("YYYY")]
    if precision == DatePrecision.MONTH:
        return text[: len("YYYY-MM")]
    return text


def partial_date_error(day, precision):
    """Why `day` cannot stand for a date of that precision, or None."""
    if day is None:
        return None
    if precision == DatePrecision.MONTH and day.day != 1:
        return "For a month-only date, give the first day of the month."
    if precision == DatePrecision.YEAR and (day.month, day.day) != (1, 1):
        return "For a year-only date, give 1 January of that year."
    return None
