"""Filters for the public list of meetings, shared by the HTML page and the API."""

import django_filters

from governance.models import Body, Meeting
from priorities.forms import GovukFilterForm, choice_errors


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
        field_name="date__year",
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
