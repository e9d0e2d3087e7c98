"""The one FilterSet for lists of measures: the scrutiny status page uses it, and the API will too.

Give it measures annotated by `Measure.objects.with_latest_value()`: the status filter needs the
latest values to compute each measure's status in Python.
"""

import django_filters
from django.db.models import OuterRef, Subquery

from measures.models import Measure, ReportedValue, Status
from priorities.forms import GovukFilterForm, choice_errors
from priorities.models import Locality, PartnerOrganisation, Priority, PublicationStatus

CURRENT = {"edition__status": PublicationStatus.PUBLISHED}


def current_priorities(request=None):
    return Priority.objects.filter(**CURRENT).order_by("number")


def current_lead_partners(request=None):
    """Only partners leading a measure of the current plan: any other choice would give an empty table."""
    return (
        PartnerOrganisation.objects.filter(measures_led__priority__edition__status=PublicationStatus.PUBLISHED)
        .distinct()
        .order_by("name")
    )


def all_localities(request=None):
    return Locality.objects.order_by("order", "name")


def with_latest_locality_value(queryset, locality):
    """Annotate each measure with the latest final value reported for one locality (locality_value, ...)."""
    values = ReportedValue.objects.filter(
        measure=OuterRef("pk"), locality=locality, status=ReportedValue.Status.FINAL
    ).order_by("-period_end", "-period_start")[:1]
    return queryset.annotate(
        locality_value=Subquery(values.values("value")),
        locality_period_label=Subquery(values.values("period_label")),
        locality_is_illustrative=Subquery(values.values("is_illustrative")),
    )


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
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        label="Status",
        empty_label="All statuses",
        error_messages=choice_errors("status"),
    )

    class Meta:
        model = Measure
        fields = ["priority", "lead_partner", "locality", "status"]
        form = GovukFilterForm

    def filter_locality(self, queryset, name, locality):
        """Measures reported by locality, with that locality's latest value alongside Kirklees's.

        The status stays Kirklees-wide: the plan sets baselines and targets for Kirklees as a whole,
        and a locality's figure measured against them would look falsely on track.
        """
        return with_latest_locality_value(queryset.filter(reported_by_locality=True), locality)

    def filter_status(self, queryset, name, status):
        """Status is computed in Python from the annotated latest values: one query, whatever the count."""
        if "latest_value" not in queryset.query.annotations:
            queryset = queryset.with_latest_value()
        matching = [measure.pk for measure in queryset if measure.status.code == status]
        return queryset.filter(pk__in=matching)
