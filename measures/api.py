"""Measures and their reported values in the open data API.

A measure comes with its target in words, its computed status and direction of travel (each with
the one-line explanation the pages show) and its latest final value. Values are final only, unless
the client is a signed-in officer: provisional figures are never public.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import (
    DecisionsAboutField,
    LoadedAfterPaging,
    MinutesAboutField,
    SharedLinkField,
    SourcedSerializer,
    WebURLField,
    absolute,
    documented,
)
from core.decisions import load_about
from measures.filters import MeasureFilter, ReportedValueFilter
from measures.models import Measure, ReportedValue

# Decimals as strings with no padding zeros (4404, 47.9), exactly as the CSV downloads write them.
PLAIN_DECIMAL = {"normalize_output": True, "read_only": True}
READING_VALUE = serializers.DecimalField(max_digits=12, decimal_places=3, **PLAIN_DECIMAL)


ASSESSMENT = inline_serializer(
    "Assessment",
    fields={
        "code": serializers.CharField(),
        "label": serializers.CharField(),
        "explanation": serializers.CharField(help_text="One line with the figures, as the pages show it."),
    },
)
LATEST = inline_serializer(
    "LatestValue",
    fields={
        "value": serializers.CharField(help_text="A decimal, as a string."),
        "period": serializers.CharField(),
        "period_end": serializers.DateField(allow_null=True),
        "illustrative": serializers.BooleanField(),
    },
    allow_null=True,
)


def assessment(result):
    return {"code": result.code, "label": result.label, "explanation": result.explanation}


class MeasureSerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:measure-detail", lookup_field="code")
    web_url = WebURLField()
    values_url = serializers.SerializerMethodField(help_text="This measure's values in the API.")
    csv_url = serializers.SerializerMethodField(help_text="This measure's values as a CSV download.")
    edition = serializers.SlugRelatedField(source="priority.edition", slug_field="slug", read_only=True)
    priority_number = serializers.IntegerField(source="priority.number", read_only=True)
    target = serializers.CharField(source="target_text", read_only=True, help_text="The target in words.")
    status = serializers.SerializerMethodField()
    direction_of_travel = serializers.SerializerMethodField()
    latest_value = serializers.SerializerMethodField(
        help_text="The latest final value for Kirklees as a whole, for the kind of period the status is judged on."
    )
    year_to_date = serializers.SerializerMethodField(
        help_text="A newer final value for part of that period (a quarter of an annual measure, say), shown beside "
        "the status, which it does not change; null when there is none."
    )
    judged_on = serializers.SerializerMethodField(
        help_text="The kind of period the status is judged on (year, quarter, month, other; null if not known yet) "
        "and why."
    )
    lead_partner = serializers.SerializerMethodField()
    decisions = DecisionsAboutField()
    minutes = MinutesAboutField()

    class Meta:
        model = Measure
        fields = [
            "code",
            "url",
            "web_url",
            "values_url",
            "csv_url",
            "edition",
            "priority",
            "priority_number",
            "number",
            "title",
            "plan_wording",
            "definition",
            "kind",
            "unit",
            "unit_label",
            "decimal_places",
            "direction",
            "baseline_value",
            "baseline_period",
            "target_kind",
            "target_value",
            "target_set_by",
            "tolerance",
            "target",
            "status",
            "direction_of_travel",
            "latest_value",
            "year_to_date",
            "judged_on",
            "data_source",
            "lead_partner",
            "reporting_frequency",
            "reported_by_locality",
            "decisions",
            "minutes",
            "updated_at",
            "source",
            "provenance",
        ]
        extra_kwargs = {"baseline_value": PLAIN_DECIMAL, "target_value": PLAIN_DECIMAL, "tolerance": PLAIN_DECIMAL}

    def get_values_url(self, measure) -> str:
        return absolute(self.context, reverse("api:value-list") + f"?measure={measure.code}")

    def get_csv_url(self, measure) -> str:
        return absolute(self.context, reverse("measures:measure-values-csv", kwargs={"code": measure.code}))

    @extend_schema_field(ASSESSMENT)
    def get_status(self, measure):
        return assessment(measure.status)

    @extend_schema_field(ASSESSMENT)
    def get_direction_of_travel(self, measure):
        return assessment(measure.travel)

    @extend_schema_field(LATEST)
    def get_latest_value(self, measure):
        return self.reading(measure.latest_reading)

    @extend_schema_field(LATEST)
    def get_year_to_date(self, measure):
        return self.reading(measure.year_to_date)

    @extend_schema_field(
        inline_serializer(
            "JudgedOn",
            fields={
                "period": serializers.CharField(allow_null=True),
                "explanation": serializers.CharField(),
            },
        )
    )
    def get_judged_on(self, measure):
        kind, explanation = measure.judged_on
        return {"period": kind.value if kind else None, "explanation": explanation}

    def reading(self, reading):
        if reading is None:
            return None
        return {
            "value": READING_VALUE.to_representation(reading.value),
            "period": reading.period_label,
            "period_end": reading.period_end,
            "illustrative": reading.is_illustrative,
        }

    @extend_schema_field(
        inline_serializer(
            "LeadPartner", fields={"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
        )
    )
    def get_lead_partner(self, measure):
        partner = measure.lead_partner
        return {"id": partner.pk, "name": partner.name} if partner else None


@documented(MeasureSerializer, noun="measures")
class MeasureViewSet(LoadedAfterPaging, ReadOnlyModelViewSet):
    """The key performance measures, each with its target, computed status and latest value."""

    load = staticmethod(load_about)
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"  # codes have dots: KPM-1.1
    queryset = (
        Measure.objects.public()
        .with_latest()
        .select_related("priority__edition", "lead_partner")
        .order_by("-priority__edition__start_year", "priority__number", "number")
    )


class ReportedValueSerializer(serializers.ModelSerializer):
    measure = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The measure's code.")
    measure_url = SharedLinkField(source="measure", view_name="api:measure-detail", lookup_field="code", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    locality = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The locality's slug; null for Kirklees as a whole.",
    )
    geography_code = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The ONS (GSS) code of Kirklees for its figures; null for a locality's.",
    )
    illustrative = serializers.BooleanField(source="is_illustrative", read_only=True)
    last_updated = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = ReportedValue
        fields = [
            "id",
            "measure",
            "measure_url",
            "period",
            "period_start",
            "period_end",
            "geography_code",
            "locality",
            "value",
            "status",
            "note",
            "commentary",
            "revised_on",
            "revision_reason",
            "illustrative",
            "last_updated",
        ]
        extra_kwargs = {
            "value": PLAIN_DECIMAL,
            "revised_on": {"help_text": "The day a correction of the figure was approved; null if never corrected."},
            "revision_reason": {"help_text": "Why the figure was corrected, as the measure's page shows it."},
        }


@documented(ReportedValueSerializer, noun="reported values")
class ReportedValueViewSet(ReadOnlyModelViewSet):
    """The figures reported for each measure, one per period and place, oldest first."""

    serializer_class = ReportedValueSerializer
    filterset_class = ReportedValueFilter

    def get_queryset(self):
        # The same values, in the same order, as the CSV downloads; provisional ones for signed-in officers only.
        values = ReportedValue.objects.published(include_provisional=self.request.user.is_staff)
        # Only the columns the list shows: the sort then carries narrow rows, not each measure's texts.
        shown = [field.attname for field in ReportedValue._meta.concrete_fields]
        return (
            values.select_related("measure", "locality").only(*shown, "measure__code", "locality__slug").in_row_order()
        )
