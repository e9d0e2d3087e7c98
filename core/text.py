"""How a record is named in messages to officers."""

from django.utils.text import capfirst


def describe(obj):
    """A record as a message names it: Measure “KPM-1.1 Serious violence”."""
    return f"{capfirst(obj._meta.verbose_name)} “{obj}”"
