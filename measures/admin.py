from django import forms
from django.contrib import admin
from django.db import models

from core.admin import ChoiceLabelsContextHelper, OfficerTabularInline
from core.admin_approval import ApprovalAdminMixin
from core.admin_filters import scoped_by
from core.admin_pages import OfficerPagesAdmin, ReadOnlyDisplaysInlineMixin
from measures.admin_forms import MeasureForm, ReportedValueForm
from measures.admin_import import ValueImportMixin
from measures.models import Measure, ReportedValue, ScrutinySnapshot, period_label_for
from measures.snapshots import NO_PLAN, take_snapshot
from measures.status import Travel
from priorities.models import PlanEdition


def value_text(value):
    """A reported value (or a version of one in its history) as the public pages write it: 4,612 (illustrative)."""
    text = value.measure.format_value(value.value)
    return f"{text} (illustrative)" if value.is_illustrative else text


class FiguresContextHelper(ChoiceLabelsContextHelper):
    """Shows a change of a figure in the history as the public pages write it: 4,404 → 4,012, not 4404.000."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.DecimalField) and value is not None:
            measure = self.record.instance if self.model is Measure else self.record.measure
            return measure.format_amount(value) if change.field == "tolerance" else measure.format_value(value)
        return super().prepare_delta_change_value(change, value)


class ReportedValueInline(ReadOnlyDisplaysInlineMixin, OfficerTabularInline):
    model = ReportedValue
    form = ReportedValueForm
    # The period is chosen (or given by its dates); its label is filled in. Illustrative values are loaded
    # on purpose (`loadplan --illustrative`), never entered: their note says so.
    # Entered provisional; a second officer approves it from its own page or the values list.
    fields = ["period", "period_start", "period_end", "locality", "value", "commentary", "note", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["locality"]
    ordering = ["-period_end", "-period_start", "locality"]
    select_related = ["locality", "measure"]
    read_only_displays = {"value": "value_text"}

    @admin.display(description="Value")
    def value_text(self, obj):
        return value_text(obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("note", "commentary"):
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 30})
        return field


class IllustrativeFilter(admin.BooleanFieldListFilter):
    """The sample figures loaded on purpose, or the real ones, headed in words rather than "is illustrative"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "illustrative (sample) figures"


@admin.register(Measure)
class MeasureAdmin(OfficerPagesAdmin):
    form = MeasureForm
    list_display = ["code", "title", "status_label", "latest_value", "target"]
    list_display_links = ["code", "title"]
    # Only the priorities of one edition, and the partners that lead measures, so the lists are short.
    list_filter = [
        "priority__edition",
        ("priority", scoped_by("edition")),
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
                    "leads",
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
    history_list_display = ["target_figure", "baseline_figure"]
    read_only_displays = {
        "baseline_value": "baseline_figure",
        "target_value": "target_figure",
        "tolerance": "tolerance_figure",
    }

    def get_queryset(self, request):
        # The status is computed from these annotations, so the list costs no query per row. Officers see
        # the status of every measure, draft editions' too, from its final values.
        return super().get_queryset(request).with_latest(values=ReportedValue.objects.final())

    @admin.display(description="Status (trend)")
    def status_label(self, obj):
        travel = obj.travel
        if travel.code == Travel.NOT_ENOUGH_DATA:
            return obj.status.label
        return f"{obj.status.label} ({travel.label.lower()})"

    @admin.display(description="Latest final figure")
    def latest_value(self, obj):
        return obj.latest_text

    # Each figure as the public pages write it, for the history and for officers who may only view the measure:
    # `obj` is the measure, or a version of it in its history.
    @staticmethod
    def _figure(obj, name, write="format_value"):
        value = getattr(obj, name)
        measure = obj.instance if hasattr(obj, "history_id") else obj
        return None if value is None else getattr(measure, write)(value)

    @admin.display(description="Baseline value")
    def baseline_figure(self, obj):
        return self._figure(obj, "baseline_value")

    @admin.display(description="Target value")
    def target_figure(self, obj):
        return self._figure(obj, "target_value")

    @admin.display(description="Tolerance")
    def tolerance_figure(self, obj):
        return self._figure(obj, "tolerance", "format_amount")

    def get_historical_record_context_helper(self, request, historical_record):
        return FiguresContextHelper(self.model, historical_record)

    def deletion_refusal(self, obj):
        # Worded by the plan editions' admin, as for every other part of an edition.
        return self.admin_site.get_model_admin(PlanEdition).part_refusal(obj, obj.priority.edition)

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
class ReportedValueAdmin(ValueImportMixin, ApprovalAdminMixin, OfficerPagesAdmin):
    form = ReportedValueForm
    list_display = ["name", "value_text", "status", "entered_by", "updated_at"]
    actions = ["approve_selected"]
    list_filter = [
        "status",
        ("is_illustrative", IllustrativeFilter),
        "locality",
        "measure__priority__edition",
        ("measure__priority", scoped_by("edition")),
    ]
    list_select_related = ["measure", "locality", "entered_by"]
    search_fields = ["measure__code", "measure__title", "period_label", "note", "commentary"]
    ordering = ["measure__code", "-period_end", "locality"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["measure", "locality"]
    fieldsets = [
        (None, {"fields": ["measure", "period", ("period_start", "period_end"), "period_label", "locality"]}),
        ("The figure", {"fields": ["value", "commentary", "note"]}),
        ("Approval", {"fields": ["status", "approval_stage"]}),
    ]
    # Illustrative figures are loaded on purpose (`loadplan --illustrative`), never entered: an illustrative
    # value says so, read-only (`illustrative`), and no form sets the flag.
    exclude = ["is_illustrative"]
    readonly_fields = ["illustrative", "status"]
    read_only_displays = {"value": "value_text"}
    history_list_display = ["value_text", "revision_reason"]
    record_name_related = ("measure", "locality")

    def record_name(self, obj):
        """The measure's code and the period, and the locality where it is one's: "KPM-1.1, 2023/24"."""
        where = f", {obj.locality}" if obj.locality_id else ""
        return f"{obj.measure.code}, {obj.period_label or period_label_for(obj.period_start, obj.period_end)}{where}"

    @admin.display(description="Reported value", ordering="measure__code")
    def name(self, obj):
        return self.record_name(obj)

    @admin.display(description="Value", ordering="value")
    def value_text(self, obj):
        return value_text(obj)

    def approval_summary(self, obj):
        """The figure as it will be published, with its commentary and any correction's reason."""
        parts = [value_text(obj)]
        if obj.commentary:
            parts.append(f"Commentary: {obj.commentary}")
        if obj.revision_reason:
            parts.append(f"Correction: {obj.revision_reason}")
        return " · ".join(parts)

    @admin.display(description="Illustrative")
    def illustrative(self, obj):
        return (
            "Yes: a made-up figure, loaded as sample data to show how the pages work, not a real one. It is "
            "marked as illustrative wherever it is shown."
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.is_illustrative:
            return fieldsets
        return [
            (title, {**options, "fields": [*options["fields"], "illustrative"]})
            if title == "The figure"
            else (title, options)
            for title, options in fieldsets
        ]

    def get_historical_record_context_helper(self, request, historical_record):
        return FiguresContextHelper(self.model, historical_record)


class SnapshotForm(forms.ModelForm):
    class Meta:
        model = ScrutinySnapshot
        fields = ["meeting"]

    def clean(self):
        cleaned = super().clean()
        if not PlanEdition.objects.filter(status="published").exists():
            raise forms.ValidationError(NO_PLAN)
        return cleaned


@admin.register(ScrutinySnapshot)
class ScrutinySnapshotAdmin(OfficerPagesAdmin):
    """A status report taken to a meeting: chosen by its meeting, then kept as it was, never changed."""

    form = SnapshotForm
    list_display = ["title", "edition_title", "taken_at", "taken_by"]
    list_select_related = ["meeting__body", "taken_by"]
    search_fields = ["title", "edition_title"]
    ordering = ["-taken_at"]
    autocomplete_fields = ["meeting"]
    readonly_fields = ["title", "edition_title", "taken_at", "taken_by", "measures_reported"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting"]
        return ["meeting", "title", "edition_title", "taken_at", "taken_by", "measures_reported"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "meeting"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of what a meeting was shown: never changed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.change_permission = self.permission("add")  # the form only ever adds one
        return form

    @admin.display(description="Measures reported")
    def measures_reported(self, obj):
        return f"{len(obj.rows)}: see the public page for the whole report"

    def save_model(self, request, obj, form, change):
        take_snapshot(obj.meeting, request.user, obj)
