"""Filters that every app's FilterSets share."""

import django_filters

# Dates in filters as ISO 8601 only, as the API documents them: 01/04/2022 is ambiguous to half the world.
ISO_DATE = ["%Y-%m-%d"]


class IsoDateFilter(django_filters.DateFilter):
    """A date given as YYYY-MM-DD only, with an example in its help and in its error message."""

    def __init__(self, *, example, **kwargs):
        kwargs.setdefault("help_text", f"An ISO 8601 date, e.g. {example}.")
        kwargs.setdefault("error_messages", {"invalid": f"Enter the date as YYYY-MM-DD, for example {example}"})
        super().__init__(input_formats=ISO_DATE, **kwargs)
