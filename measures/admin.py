from django.contrib import admin

from core.admin import (
    OfficerHistoryAdmin,
    OfficerTabularInline,
)
from measures.models import Measure, ReportedValue


class ReportedValueInline(OfficerTabularInline):
    model = ReportedValue
    fields = ["period_start", "period_end", "period_label", "locality", "value", "status", "is_illustrative", "note"]
    autocomplete_fields = ["locality"]
    ordering = ["-period_end", "-period_start", "locality"]
    select_related = ["locality"]


@admin.register(Measure)
class MeasureAdmin(OfficerHistoryAdmin):
    list_display = [
        "code",
        "title",
        "status_label",
        "travel_label",
        "latest_value",
        "target",
        "lead_partner",
    ]
    list_display_links = ["code", "title"]
    # Only the priorities and partners that have measures, so the lists are short and unambiguous.
    list_filter = [
        "priority__edition",
        ("priority", admin.RelatedOnlyFieldListFilter),
        "target_kind",
        "direction",
        "unit",
        "reporting_frequency",
        "reported_by_locality",
        "kind",
        ("lead_partner", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["priority__edition", "lead_partner"]
    search_fields = ["code", "title", "plan_wording", "definition"]
    ordering = ["priority__edition", "priority__number", "number"]
    autocomplete_fields = ["priority", "lead_partner"]
    readonly_fields = ["baseline_text", "target_text", "status_explanation", "travel_explanation", "provisional_status"]
    inlines = [ReportedValueInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["priority", "number", "code", "title", "plan_wording", "definition", "kind"]}),
        (
            "How it is reported",
            {
                "fields": [
                    "unit",
                    "unit_label",
                    "decimal_places",
                    "reporting_frequency",
                    "reported_by_locality",
                    "data_source",
                    "lead_partner",
                ],
                "description": "Reported values are entered at the foot of the page.",
            },
        ),
        (
            "Baseline",
            {"fields": ["baseline_value", "baseline_period", "baseline_period_end", "baseline_text"]},
        ),
        (
            "Target",
            {
                "fields": ["direction", "target_kind", "target_value", "target_set_by", "tolerance", "target_text"],
                "description": "The target as the plan sets it. Residents and councillors read the wording "
                "shown under 'Target text', so check it after saving.",
            },
        ),
        (
            "Status",
            {
                "fields": ["status_explanation", "travel_explanation", "provisional_status"],
                "description": "Worked out from the latest final Kirklees-wide values; provisional values never "
                "count towards the public status. Shown once the measure is saved.",
            },
        ),
    ]
    history_list_display = ["target_value", "baseline_value"]

    def get_queryset(self, request):
        # The status is computed from these annotations, so the list costs no query per row. Officers see
        # the status of every measure, draft editions' too, from its final values.
        return super().get_queryset(request).with_latest(values=ReportedValue.objects.final())

    @admin.display(description="Status")
    def status_label(self, obj):
        return obj.status.label

    @admin.display(description="Direction of travel")
    def travel_label(self, obj):
        return obj.travel.label

    @admin.display(description="Latest final value")
    def latest_value(self, obj):
        reading = obj.latest_reading
        return obj.format_reading(reading) if reading is not None else None

    @admin.display(description="Target")
    def target(self, obj):
        return obj.target_text

    def _saved(self, obj):
        return obj.pk is not None and hasattr(obj, "latest_json")

    @admin.display(description="Status")
    def status_explanation(self, obj):
        return obj.status.explanation if self._saved(obj) else None

    @admin.display(description="Direction of travel")
    def travel_explanation(self, obj):
        return obj.travel.explanation if self._saved(obj) else None

    @admin.display(description="Status including provisional values")
    def provisional_status(self, obj):
        if not self._saved(obj):
            return None
        with_provisional = Measure.objects.with_latest(values=ReportedValue.objects.all()).get(pk=obj.pk)
        if with_provisional.latest_reading == obj.latest_reading:
            return "The same: there is no newer provisional value."
        return with_provisional.status.explanation


@admin.register(ReportedValue)
class ReportedValueAdmin(OfficerHistoryAdmin):
    list_display = ["measure", "period_label", "area", "value_text", "status", "is_illustrative", "updated_at"]
    list_filter = ["status", "is_illustrative", "locality", "measure__priority__edition", "measure__priority"]
    list_select_related = ["measure", "locality"]
    search_fields = ["measure__code", "measure__title", "period_label", "note"]
    ordering = ["measure__code", "-period_end", "locality"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["measure", "locality"]
    fieldsets = [
        (None, {"fields": ["measure", ("period_start", "period_end"), "period_label", "locality"]}),
        ("The figure", {"fields": ["value", "status", "is_illustrative", "note"]}),
    ]
    history_list_display = ["value"]

    @admin.display(description="Area", ordering="locality")
    def area(self, obj):
        return obj.locality or "Kirklees"

    @admin.display(description="Value", ordering="value")
    def value_text(self, obj):
        return obj.measure.format_value(obj.value)
