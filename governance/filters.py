"""Filters for the public list of meetings, shared by the HTML page and the API."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import IsoDateFilter
from core.forms import GovukFilterForm, choice_errors
from governance.models import Body, Meeting


class MeetingFilter(django_filters.FilterSet):
    """Meetings by the body that met and the year they met in; invalid values are form errors, not 500s."""

    body = django_filters.ModelChoiceFilter(
        queryset=Body.objects.order_by("order", "name"),
        to_field_name="slug",
        label="Body",
        empty_label="All bodies",
        error_messages=choice_errors("body"),
    )
    year = django_filters.ChoiceFilter(
        method="filter_year",
        label="Year",
        empty_label="All years",
        error_messages=choice_errors("year"),
    )

    class Meta:
        model = Meeting
        fields = ["body", "year"]
        form = GovukFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Meeting.objects.public()
        super().__init__(data, queryset, **kwargs)
        # The years that have public meetings, read once here rather than each time the choices are walked.
        years = Meeting.objects.public().dates("date", "year", order="DESC")
        self.filters["year"].extra["choices"] = [(str(day.year), str(day.year)) for day in years]

    @extend_schema_field(OpenApiTypes.INT)  # the choices are the years with meetings, known only when asked
    def filter_year(self, queryset, name, year):
        return queryset.filter(date__year=int(year))


class MeetingDateRangeForm(GovukFilterForm):
    date_ranges = [("date_from", "date_to", "date range")]


class MeetingDateRangeFilter(MeetingFilter):
    """The meetings filter with a date range as well, for the API (the page offers years)."""

    date_from = IsoDateFilter(field_name="date", lookup_expr="gte", label="Meetings on or after", example="2022-01-01")
    date_to = IsoDateFilter(field_name="date", lookup_expr="lte", label="Meetings on or before", example="2023-12-31")

    class Meta(MeetingFilter.Meta):
        fields = [*MeetingFilter.Meta.fields, "date_from", "date_to"]
        form = MeetingDateRangeForm
