"""The FilterSets for lists of measures and of reported values, shared by the pages, the CSVs and the API.

`MeasureFilter` serves the scrutiny status page, its CSV and the API's measures; `ReportedValueFilter`
serves the all-measures CSV and the API's values.

The status filter works each measure's status out in SQL (`Measure.objects.with_status()`), so it
costs no more queries, and loads no more rows, however many measures there are.
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import IsoDateFilter
from core.forms import GovukFilterForm, choice_errors
from measures.models import Measure, ReportedValue
from measures.status import Direction, MeasureStatus
from priorities.models import Locality, PartnerOrganisation, Priority, PublicationStatus


def current_priorities(request=None):
    return Priority.objects.current().order_by("number")


def current_lead_partners(request=None):
    """Only partners leading a measure of the current plan: any other choice would give an empty table."""
    return (
        PartnerOrganisation.objects.filter(measures_led__priority__edition__status=PublicationStatus.PUBLISHED)
        .distinct()
        .order_by("name")
    )


def all_localities(request=None):
    return Locality.objects.order_by("order", "name")


class MeasureFilterForm(GovukFilterForm):
    # Status beside priority, where councillors look first; it is still applied last (see filter_status).
    field_order = ["priority", "status", "lead_partner", "locality", "direction"]


class MeasureFilter(django_filters.FilterSet):
    """Filter measures by priority, lead partner, locality and status (status last: it is computed)."""

    priority = django_filters.ModelChoiceFilter(
        queryset=current_priorities,
        to_field_name="slug",
        label="Priority",
        empty_label="All priorities",
        error_messages=choice_errors("priority"),
    )
    lead_partner = django_filters.ModelChoiceFilter(
        queryset=current_lead_partners,
        label="Lead partner",
        empty_label="All lead partners",
        error_messages=choice_errors("lead partner"),
    )
    locality = django_filters.ModelChoiceFilter(
        queryset=all_localities,
        to_field_name="slug",
        method="filter_locality",
        label="Locality",
        empty_label="All of Kirklees",
        error_messages=choice_errors("locality"),
    )
    direction = django_filters.ChoiceFilter(
        choices=Direction.choices,
        label="Better when",
        empty_label="Either direction",
        error_messages=choice_errors("direction"),
    )
    status = django_filters.ChoiceFilter(
        choices=MeasureStatus.choices,
        method="filter_status",
        label="Status",
        empty_label="All statuses",
        error_messages=choice_errors("status"),
    )

    class Meta:
        model = Measure
        fields = ["priority", "lead_partner", "locality", "direction", "status"]
        form = MeasureFilterForm

    @extend_schema_field(OpenApiTypes.STR)  # a locality's slug, in the API's schema
    def filter_locality(self, queryset, name, locality):
        """Measures reported by locality, with that locality's latest value alongside Kirklees's.

        The status stays Kirklees-wide: the plan sets baselines and targets for Kirklees as a whole,
        and a locality's figure measured against them would look falsely on track.
        """
        return queryset.filter(reported_by_locality=True).with_latest_for_locality(locality)

    def filter_status(self, queryset, name, status):
        """Status is worked out in the database: no query of its own, whatever the count."""
        return queryset.with_status().filter(status_code=status)


class ReportedValueFilterForm(GovukFilterForm):
    date_ranges = [("period_from", "period_to", "period range")]


def public_measures(request=None):
    return Measure.objects.public().order_by("code")


class ReportedValueFilter(django_filters.FilterSet):
    """Reported values by measure, period range, place, final or provisional, and illustrative or real."""

    measure = django_filters.ModelChoiceFilter(
        queryset=public_measures,
        to_field_name="code",
        label="Measure",
        help_text="The measure's code, e.g. KPM-1.1.",
        error_messages=choice_errors("measure"),
    )
    period_from = IsoDateFilter(
        field_name="period_start", lookup_expr="gte", label="Periods starting on or after", example="2022-04-01"
    )
    period_to = IsoDateFilter(
        field_name="period_end", lookup_expr="lte", label="Periods ending on or before", example="2024-03-31"
    )
    period = django_filters.CharFilter(
        field_name="period_label", label="Period", help_text="A period label exactly as shown, e.g. 2023/24."
    )
    locality = django_filters.ModelChoiceFilter(
        queryset=all_localities,
        to_field_name="slug",
        null_value="kirklees",
        null_label="Kirklees as a whole",
        label="Place",
        help_text="A locality's slug (as listed at /api/v1/localities/), or kirklees for the figures for "
        "Kirklees as a whole.",
        error_messages=choice_errors("locality"),
    )
    status = django_filters.ChoiceFilter(
        choices=ReportedValue.Status.choices,
        label="Final or provisional",
        help_text="Provisional values are shown to signed-in officers only.",
        error_messages=choice_errors("status"),
    )
    illustrative = django_filters.ChoiceFilter(
        choices=[("true", "Illustrative values only"), ("false", "Real figures only")],
        method="filter_illustrative",
        label="Illustrative",
        help_text="true for the illustrative (sample) values only, false for real figures only.",
        error_messages=choice_errors("true or false"),
    )

    class Meta:
        model = ReportedValue
        fields = ["measure", "period_from", "period_to", "period", "locality", "status", "illustrative"]
        form = ReportedValueFilterForm

    def filter_illustrative(self, queryset, name, value):
        return queryset.filter(is_illustrative=value == "true")
