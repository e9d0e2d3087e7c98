from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.dateformat import format as format_date

from core.admin import (
    OfficerStackedInline,
    OfficerTabularInline,
    Refusal,
    RefuseDeletionFormSet,
)
from core.admin_approval import ApprovalAdminMixin, FourEyesForm
from core.admin_filters import scoped_by
from core.admin_pages import OfficerPagesAdmin, related_column
from core.text import describe
from priorities.admin_editions import EditionLifeCycleMixin
from priorities.models import (
    Action,
    Commitment,
    Locality,
    PartnerOrganisation,
    PlanEdition,
    Priority,
    ProgressUpdate,
    PublicationStatus,
    Theme,
)


def shortened(text, length=90):
    """`text` cut at the last word that fits in `length` characters, with an ellipsis; whole if it fits."""
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def refusal_for_part(edition, obj):
    """Why `obj`, a part of `edition`, may not be deleted while residents can see the edition; else None.

    The model's own message (`PlanEdition.refusal_for_part()`) ends by suggesting the edition be set back to
    draft: that takes the whole plan off the public site, so the admin does not offer it as a way to delete
    one part of it.
    """
    if not edition.is_public:
        return None
    return Refusal(
        f"{describe(obj)} is part of the {edition.status} plan edition “{edition}”, which residents can see. "
        "Correct it by editing it, or make the change in a new draft edition."
    )


def action_name(action, length=None):
    """An action as officers cite it: its reference and what it says, "1.2 Reduce knife crime…".

    From its fields alone (its `reference`, in other words), so that a version in its history is named too.
    """
    text = action.text if length is None else shortened(action.text, length)
    return f"{action.priority.number}.{action.number} {text}"


class CommitmentInline(OfficerTabularInline):
    model = Commitment
    fields = ["number", "text"]


@admin.register(PlanEdition)
class PlanEditionAdmin(EditionLifeCycleMixin, OfficerPagesAdmin):
    list_display = ["title", "period", "status", "approval_text"]
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
    history_list_display = ["approval_text"]

    @admin.display(description="Years", ordering="start_year")
    def period(self, obj):
        return obj.period

    @admin.display(description="Approval")
    def approval_text(self, obj):
        return getattr(obj, "instance", obj).approval_text  # the edition, or a version in its history

    def part_refusal(self, obj, edition):
        """Why `obj`, a part of `edition`, is not deleted while the edition is public (for the measures' admin too)."""
        return refusal_for_part(edition, obj)

    def deletion_refusal(self, obj):
        """A public edition is kept for the record; the way to replace it is to publish its successor."""
        if not obj.is_public:
            return None
        if obj.is_current:
            return Refusal(
                f"{describe(obj)} is the published plan: residents read it, with its priorities, actions and "
                "measures, and it is kept for the record, not deleted. To replace it, archive it and publish "
                "its successor; to correct it, edit it."
            )
        return Refusal(
            f"{describe(obj)} is archived: residents can still read it as a previous edition, and it is kept for "
            "the record, not deleted."
        )

    # ---- taking an edition off the public site, or out of being current, is confirmed first ---------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            edition = self.get_object(request, unquote(object_id))
            status = request.POST.get("status")
            if (
                edition is not None
                and self.withdraws(edition, status)
                and request.POST.get("_confirmed_status") != status
                and self.has_change_permission(request, edition)
                and "status" not in self.get_readonly_fields(request, edition)
            ):
                return self.withdrawal_confirmation(request, edition, status)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def withdraws(edition, status):
        """Whether setting `edition` to `status` takes it off the public site or stops it being the current plan."""
        withdrawn = (PublicationStatus.DRAFT, PublicationStatus.ARCHIVED)
        return edition.is_public and status != edition.status and status in withdrawn

    def withdrawal_confirmation(self, request, edition, status):
        """What residents would lose, and the officer's form again, to confirm or to go back."""
        counts = {
            "priorities": edition.priorities.count(),
            "actions": Action.objects.filter(priority__edition=edition).count(),
            "commitments": edition.commitments.count(),
            "duties": edition.statutory_duties.count(),
        }
        # Named apart from the relations they count, which an aggregate's name would hide.
        reported = edition.priorities.aggregate(
            measure_count=Count("measures"),
            figure_count=Count("measures__values", filter=Q(measures__values__status="final")),
        )
        counts |= {"measures": reported["measure_count"], "figures": reported["figure_count"]}
        verb = "unpublish" if status == PublicationStatus.DRAFT else "archive"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Are you sure you want to {verb} “{edition}”?",
            "opts": self.opts,
            "edition": edition,
            "status": status,
            "verb": verb,
            "to_draft": status == PublicationStatus.DRAFT,
            "counts": counts,
            "posted": [(name, value) for name, values in request.POST.lists() for value in values],
            "change_url": request.path,
        }
        return TemplateResponse(request, "admin/priorities/planedition/confirm_withdrawal.html", context)


@admin.register(Commitment)
class CommitmentAdmin(OfficerPagesAdmin):
    list_display = ["__str__", related_column("edition")]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["text"]
    ordering = ["edition", "number"]
    autocomplete_fields = ["edition"]
    fields = ["edition", "number", "text"]

    def deletion_refusal(self, obj):
        return refusal_for_part(obj.edition, obj)


class ThemeInline(OfficerTabularInline):
    model = Theme
    fk_name = "priority"
    fields = ["order", "title", "parent"]
    autocomplete_fields = ["parent"]
    fields_once_saved = ["parent"]


class ActionInline(OfficerTabularInline):
    model = Action
    template = "admin/priorities/priority/actions.html"
    fields = ["number", "text", "current_status", "due_date"]
    readonly_fields = ["current_status"]
    select_related = ["priority"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description="Status (from its latest progress update)")
    def current_status(self, action):
        return action.get_status_display()


@admin.register(Priority)
class PriorityAdmin(OfficerPagesAdmin):
    list_display = ["__str__", "short_title", related_column("edition")]
    list_filter = ["edition__status", "edition"]
    list_select_related = ["edition"]
    search_fields = ["title", "short_title", "slug", "introduction"]
    ordering = ["edition", "number"]
    autocomplete_fields = ["edition"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ThemeInline, ActionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["edition", "number", "title", "short_title", "slug", "leads"]}),
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

    def deletion_refusal(self, obj):
        return refusal_for_part(obj.edition, obj)


@admin.register(Theme)
class ThemeAdmin(OfficerPagesAdmin):
    list_display = ["title", related_column("parent", "Sub-theme of"), related_column("priority"), "order"]
    list_filter = ["priority__edition", ("priority", scoped_by("edition"))]
    list_select_related = ["priority__edition", "parent"]
    search_fields = ["title", "priority__title"]
    ordering = ["priority", "order", "pk"]
    autocomplete_fields = ["priority", "parent"]
    fields = ["priority", "parent", "order", "title"]

    def deletion_refusal(self, obj):
        return refusal_for_part(obj.priority.edition, obj)


@admin.register(Locality)
class LocalityAdmin(OfficerPagesAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name"]
    ordering = ["order", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "order"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(OfficerPagesAdmin):
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


class ProgressUpdateInlineForm(FourEyesForm):
    """An update on the action's page: a correction of a final one asks why."""


class ProgressUpdateInline(OfficerStackedInline):
    model = ProgressUpdate
    formset = ProgressUpdatesFormSet
    # Each update headed by its date and status, not "Update of … on action 37".
    template = "admin/priorities/action/progress_updates.html"
    fields = [("date", "status"), "commentary", "reported_by", "approval", "correction_reason"]
    readonly_fields = ["approval"]
    form = ProgressUpdateInlineForm
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
class ActionAdmin(OfficerPagesAdmin):
    list_display = ["name", "current_status", "due_date", "progress"]
    list_filter = [
        DerivedStatusFilter,
        "priority__edition",
        ("priority", scoped_by("edition")),
        "lead_body",
        "lead_partners",
    ]
    list_select_related = ["priority__edition", "lead_body"]
    search_fields = ["text", "priority__title"]
    ordering = ["priority", "number"]
    autocomplete_fields = ["priority", "lead_body", "lead_partners"]
    readonly_fields = ["current_status"]
    inlines = [ProgressUpdateInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["priority", "number", "text", "editors_note"]}),
        ("Who leads it", {"fields": ["lead_body", "lead_partners", "leads"]}),
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

    @admin.display(description="Action", ordering="priority__number")
    def name(self, action):
        return action_name(action)

    record_name_related = ("priority",)

    def record_name(self, obj):
        return action_name(obj, 90)

    def deletion_refusal(self, obj):
        return refusal_for_part(obj.priority.edition, obj)


class ProgressUpdateForm(FourEyesForm):
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
class ProgressUpdateAdmin(ApprovalAdminMixin, OfficerPagesAdmin):
    form = ProgressUpdateForm
    list_display = ["date", "action_name", "status", "approval", "entered_by"]
    list_filter = ["approval", "status", "action__priority__edition", ("action__priority", scoped_by("edition"))]
    list_select_related = ["action__priority", "entered_by"]
    actions = ["approve_selected"]
    search_fields = ["commentary", "reported_by", "action__text"]
    ordering = ["-date", "-pk"]
    date_hierarchy = "date"
    autocomplete_fields = ["action"]
    fields = ["action", ("date", "status"), "commentary", "reported_by", "approval", "approval_stage"]
    readonly_fields = ["approval"]
    history_list_display = ["revision_reason"]
    record_name_related = ("action__priority",)

    def approval_summary(self, obj):
        text = f"{obj.get_status_display()}: {obj.commentary}"
        return f"{text} · Correction: {obj.revision_reason}" if obj.revision_reason else text

    @admin.display(description="Action", ordering="action__priority__number")
    def action_name(self, update):
        return action_name(update.action, 90)

    def record_name(self, obj):
        return f"Update of {format_date(obj.date, 'j F Y')} on {action_name(obj.action, 60)}"

    def deletion_refusal(self, obj):
        return refusal_for_part(obj.action.priority.edition, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "action":
            field.queryset = field.queryset.select_related("priority")
            field.label_from_instance = lambda action: action_name(action, 90)
        return field
