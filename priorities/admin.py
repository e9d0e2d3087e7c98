from django.contrib import admin

from core.admin import (
    OfficerAdmin,
    OfficerHistoryAdmin,
    OfficerStackedInline,
    OfficerTabularInline,
)
from priorities.models import (
    Action,
    Commitment,
    Locality,
    PartnerOrganisation,
    PlanEdition,
    Priority,
    ProgressUpdate,
    Theme,
)


class CommitmentInline(OfficerTabularInline):
    model = Commitment
    fields = ["number", "text"]


@admin.register(PlanEdition)
class PlanEditionAdmin(OfficerHistoryAdmin):
    list_display = ["title", "kind", "period", "status", "approved_by", "approved_on", "follows", "updated_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["follows"]
    search_fields = ["title", "slug", "summary"]
    ordering = ["-start_year", "-end_year", "title"]
    autocomplete_fields = ["follows"]
    inlines = [CommitmentInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", ("start_year", "end_year"), "follows"]}),
        (
            "Publication",
            {
                "fields": ["status", "approved_by", "approved_on", "approval_note"],
                "description": "Drafts are never shown publicly. Publishing a plan needs who approved it and when; "
                "archive the current edition before publishing its successor.",
            },
        ),
        ("Text for residents", {"fields": ["vision", "summary", "sia_overview"]}),
    ]
    history_list_display = ["approved_on"]

    @admin.display(description="Years", ordering="start_year")
    def period(self, obj):
        return obj.period


@admin.register(Commitment)
class CommitmentAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "edition"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["text"]
    ordering = ["edition", "number"]
    autocomplete_fields = ["edition"]
    fields = ["edition", "number", "text"]


class ThemeInline(OfficerTabularInline):
    model = Theme
    fk_name = "priority"
    fields = ["order", "title", "parent"]
    autocomplete_fields = ["parent"]
    fields_once_saved = ["parent"]


class ActionInline(OfficerTabularInline):
    model = Action
    fields = ["number", "text", "status", "due_date"]
    select_related = ["priority"]


@admin.register(Priority)
class PriorityAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "short_title", "edition", "updated_at"]
    list_filter = ["edition__status", "edition"]
    list_select_related = ["edition"]
    search_fields = ["title", "short_title", "slug", "introduction"]
    ordering = ["edition", "number"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ThemeInline, ActionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["edition", "number", "title", "short_title", "slug"]}),
        (
            "Text",
            {
                "fields": ["introduction", "sia_summary"],
                "description": "Word for word as the plan gives it. Themes and actions are edited below; "
                "measures are under Measures.",
            },
        ),
    ]
    history_list_display = ["title"]


@admin.register(Theme)
class ThemeAdmin(OfficerHistoryAdmin):
    list_display = ["title", "parent", "priority", "order"]
    list_filter = ["priority__edition", "priority"]
    list_select_related = ["priority__edition", "parent"]
    search_fields = ["title", "priority__title"]
    ordering = ["priority", "order", "pk"]
    autocomplete_fields = ["priority", "parent"]
    fields = ["priority", "parent", "order", "title"]


@admin.register(Locality)
class LocalityAdmin(OfficerAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name"]
    ordering = ["order", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "order"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(OfficerHistoryAdmin):
    list_display = ["name", "short_name", "sector", "website"]
    list_filter = ["sector"]
    search_fields = ["name", "short_name"]
    ordering = ["name"]
    fields = ["name", "short_name", "sector", "website"]


class ProgressUpdateInline(OfficerStackedInline):
    model = ProgressUpdate
    fields = [("date", "status"), "commentary", "reported_by"]
    ordering = ["-date", "-pk"]


@admin.register(Action)
class ActionAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "status", "lead_body", "due_date", "progress", "updated_at"]
    list_filter = ["status", "priority__edition", "priority", "lead_body", "lead_partners"]
    list_select_related = ["priority__edition", "lead_body"]
    search_fields = ["text", "priority__title"]
    ordering = ["priority", "number"]
    autocomplete_fields = ["priority", "lead_body", "lead_partners"]
    inlines = [ProgressUpdateInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["priority", "number", "text"]}),
        ("Who leads it", {"fields": ["lead_body", "lead_partners"]}),
        (
            "Progress",
            {
                "fields": ["status", ("start_date", "due_date"), "progress"],
                "description": "The current position. Add a dated progress update below each time the lead reports.",
            },
        ),
    ]
    history_list_display = ["progress", "due_date"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(OfficerHistoryAdmin):
    list_display = ["date", "action", "status", "reported_by"]
    list_filter = ["status", "action__priority__edition", "action__priority"]
    list_select_related = ["action__priority"]
    search_fields = ["commentary", "reported_by", "action__text"]
    ordering = ["-date", "-pk"]
    date_hierarchy = "date"
    autocomplete_fields = ["action"]
    fields = ["action", ("date", "status"), "commentary", "reported_by"]
