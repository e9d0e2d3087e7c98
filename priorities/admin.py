from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import (
    OfficerHistoryAdmin,
    OfficerStackedInline,
    OfficerTabularInline,
    RefuseDeletionFormSet,
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
    list_display = ["title", "kind", "period", "status", "approval", "approval_body", "approval_date", "updated_at"]
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
                "fields": ["status", "approval", "approval_body", "approval_date", "approval_note"],
                "description": "Drafts are never shown publicly. Publishing a plan needs its approval record: "
                "record only what the papers say (a decision, the date one was due, or that approval was "
                "sought). Archive the current edition before publishing its successor.",
            },
        ),
        ("Text for residents", {"fields": ["vision", "summary", "sia_overview"]}),
    ]
    history_list_display = ["approval", "approval_date"]

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
    fields = ["number", "text", "current_status", "due_date"]
    readonly_fields = ["current_status"]
    select_related = ["priority"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description="Status (from its latest progress update)")
    def current_status(self, action):
        return action.get_status_display()


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
                "fields": ["introduction", "sia_summary", "editors_note"],
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
class LocalityAdmin(OfficerHistoryAdmin):
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


class ProgressUpdatesFormSet(RefuseDeletionFormSet):
    """The action's progress updates as the officer left them: the latest one's status must fit its progress."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each row's own errors first
        kept = [
            form.instance
            for form in self.forms
            if not self._should_delete_form(form) and (form in self.initial_forms or form.has_changed())
        ]
        latest = max(kept, key=ProgressUpdate.newness, default=None)
        # `instance` is the action as submitted on the same page, its new progress included.
        self.instance.check_progress(latest.status if latest else Action.Status.NO_UPDATE)


class ProgressUpdateInline(OfficerStackedInline):
    model = ProgressUpdate
    formset = ProgressUpdatesFormSet
    fields = [("date", "status"), "commentary", "reported_by"]
    ordering = ["-date", "-pk"]


class DerivedStatusFilter(admin.SimpleListFilter):
    """The action's status as the public sees it: its latest progress update's."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Action.Status.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.with_status().filter(latest_status=self.value())


@admin.register(Action)
class ActionAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "current_status", "lead_body", "due_date", "progress", "updated_at"]
    list_filter = [DerivedStatusFilter, "priority__edition", "priority", "lead_body", "lead_partners"]
    list_select_related = ["priority__edition", "lead_body"]
    search_fields = ["text", "priority__title"]
    ordering = ["priority", "number"]
    autocomplete_fields = ["priority", "lead_body", "lead_partners"]
    readonly_fields = ["current_status"]
    inlines = [ProgressUpdateInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["priority", "number", "text", "editors_note"]}),
        ("Who leads it", {"fields": ["lead_body", "lead_partners"]}),
        (
            "Progress",
            {
                "fields": ["current_status", ("start_date", "due_date"), "progress"],
                "description": "The status is the latest progress update's: to change it, add a dated progress "
                "update below each time the lead reports. A completed action's progress is 100%, or left empty.",
            },
        ),
    ]
    history_list_display = ["progress", "due_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description="Status", ordering="latest_status")
    def current_status(self, action):
        return action.get_status_display()


class ProgressUpdateForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        action, day, status = (cleaned_data.get(name) for name in ("action", "date", "status"))
        if action and day and status:
            # The action's updates as they will be once this one is saved: is it the latest?
            update = ProgressUpdate(pk=self.instance.pk, action=action, date=day, status=status)
            others = action.updates.exclude(pk=self.instance.pk) if self.instance.pk else action.updates.all()
            latest = max([update, *others], key=ProgressUpdate.newness)
            try:
                action.check_progress(latest.status)
            except ValidationError as error:
                raise ValidationError({"status": error.messages}) from None
        return cleaned_data


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(OfficerHistoryAdmin):
    form = ProgressUpdateForm
    list_display = ["date", "action", "status", "reported_by"]
    list_filter = ["status", "action__priority__edition", "action__priority"]
    list_select_related = ["action__priority"]
    search_fields = ["commentary", "reported_by", "action__text"]
    ordering = ["-date", "-pk"]
    date_hierarchy = "date"
    autocomplete_fields = ["action"]
    fields = ["action", ("date", "status"), "commentary", "reported_by"]
