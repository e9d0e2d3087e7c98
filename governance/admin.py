from django.contrib import admin

from core.admin import OfficerStackedInline, OfficerTabularInline
from core.admin_pages import OfficerPagesAdmin, related_column
from governance.admin_forms import (
    AgendaItemsFormSet,
    MeetingDecisionForm,
    MeetingDecisionsFormSet,
    MeetingDocumentForm,
    MeetingDocumentsFormSet,
    meeting_page,
)
from governance.models import (
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Document,
    KeyDecision,
    Meeting,
    Membership,
    Minutes,
    StatutoryDuty,
)


class MembershipInline(OfficerTabularInline):
    model = Membership
    fields = ["name", "role", "title", "organisation", "start_date", "end_date"]
    autocomplete_fields = ["organisation"]
    select_related = ["body"]


class StatutoryDutyInline(OfficerTabularInline):
    model = StatutoryDuty
    fields = ["number", "text", "edition"]
    autocomplete_fields = ["edition"]


@admin.register(Body)
class BodyAdmin(OfficerPagesAdmin):
    list_display = ["name", "short_name", "kind", related_column("parent", "Reports to")]
    list_filter = ["kind", "locality"]
    list_select_related = ["parent", "locality"]
    search_fields = ["name", "short_name"]
    ordering = ["order", "name"]
    autocomplete_fields = ["parent", "locality"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, StatutoryDutyInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "order"]}),
        ("Where it sits", {"fields": ["parent", "locality", "description"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(OfficerPagesAdmin):
    list_display = ["name", "role", related_column("body"), "end_date"]
    list_filter = ["role", "body", "organisation"]
    list_select_related = ["body", "organisation"]
    search_fields = ["name", "title", "body__name"]
    ordering = ["body", "role", "name"]
    autocomplete_fields = ["body", "organisation"]
    fields = [
        "body",
        "name",
        "role",
        "title",
        "organisation",
        ("start_date", "end_date"),
        "source",
        ("recorded_on", "recorded_on_precision"),
    ]
    history_list_display = ["end_date"]


class AgendaItemInline(OfficerTabularInline):
    model = AgendaItem
    formset = AgendaItemsFormSet
    fields = ["number", "agenda_number", "title", "plan_edition"]
    autocomplete_fields = ["plan_edition"]


class MeetingDecisionInline(OfficerTabularInline):
    """The decisions made at the meeting, each under one of its agenda items (governance/admin_forms.py)."""

    model = Decision
    form = MeetingDecisionForm
    formset = MeetingDecisionsFormSet
    fields = ["item", "number", "kind", "text"]
    verbose_name_plural = "decisions, on the items above"

    def __init__(self, parent_model, admin_site):
        # Django builds an inline from the relation to the record it is under: a decision's is its agenda
        # item's. The formset then takes every decision of the meeting whose page this is.
        super().__init__(AgendaItem, admin_site)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.fk = None  # the rows are the meeting's, not one agenda item's
        return formset


class AttendanceInline(OfficerTabularInline):
    model = Attendance
    fields = ["name", "role", "organisation", "status"]
    autocomplete_fields = ["organisation"]


class DocumentInline(OfficerTabularInline):
    model = Document
    form = MeetingDocumentForm
    formset = MeetingDocumentsFormSet
    fields = ["title", "file", "url", "agenda_item"]
    fields_once_saved = ["agenda_item"]


class MinutesInline(OfficerStackedInline):
    model = Minutes
    fields = ["status", "published_on", "text", "editions", "priorities", "actions", "measures"]
    autocomplete_fields = ["editions", "priorities", "actions", "measures"]
    max_num = 1
    select_related = ["meeting__body"]


@admin.register(Meeting)
class MeetingAdmin(OfficerPagesAdmin):
    list_display = ["date_text", related_column("body"), "status", "is_published"]
    list_display_links = ["date_text"]
    list_filter = ["body", "status", "is_published", "date_precision"]
    list_select_related = ["body"]
    search_fields = ["body__name", "body__short_name", "location"]
    ordering = ["-date", "body"]
    date_hierarchy = "date"
    autocomplete_fields = ["body"]
    # The whole meeting on one page, in the order it is recorded. The agenda comes before the decisions:
    # it is saved first, so that decisions can be recorded on items added on the same page.
    inlines = [AgendaItemInline, MeetingDecisionInline, AttendanceInline, MinutesInline, DocumentInline]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": ["body", ("date", "date_precision"), "start_time", "location", "status", "is_published"],
                "description": "Record the whole meeting on this page: its agenda, the decisions made on each item, "
                "who attended, its minutes and its papers, then save once.",
            },
        ),
    ]
    history_list_display = ["date_text"]

    @admin.display(description="Date", ordering="date")
    def date_text(self, obj):
        return getattr(obj, "instance", obj).date_text  # the meeting, or a version in its history

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AgendaItemInline | MeetingDecisionInline):
            kwargs["page"] = meeting_page(request)  # the decisions are checked against the agenda as submitted
        return kwargs


class DecisionInline(OfficerTabularInline):
    model = Decision
    fields = ["number", "kind", "text"]


@admin.register(AgendaItem)
class AgendaItemAdmin(OfficerPagesAdmin):
    list_display = ["__str__", related_column("meeting"), related_column("plan_edition")]
    list_filter = ["meeting__body", "plan_edition"]
    list_select_related = ["meeting__body", "plan_edition"]
    search_fields = ["title", "description", "minute", "meeting__body__name"]
    ordering = ["-meeting__date", "meeting", "number"]
    date_hierarchy = "meeting__date"
    autocomplete_fields = ["meeting", "plan_edition", "priorities", "actions", "measures"]
    inlines = [DecisionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["meeting", ("number", "agenda_number"), "title", "plan_edition"]}),
        ("Item", {"fields": ["description", "contacts", "minute"]}),
        (
            "What it is about",
            {
                "fields": ["priorities", "actions", "measures"],
                "description": "The item is listed on the page of each priority, action and measure named here.",
            },
        ),
    ]


@admin.register(Decision)
class DecisionAdmin(OfficerPagesAdmin):
    list_display = ["__str__", "kind", related_column("agenda_item"), "meeting"]
    list_filter = ["kind", "agenda_item__meeting__body"]
    list_select_related = ["agenda_item__meeting__body"]
    search_fields = ["text", "agenda_item__title"]
    ordering = ["-agenda_item__meeting__date", "agenda_item__number", "number"]
    date_hierarchy = "agenda_item__meeting__date"
    autocomplete_fields = ["agenda_item", "editions", "priorities", "actions", "measures"]
    fieldsets = [
        (None, {"fields": ["agenda_item", "number", "kind", "text"]}),
        (
            "What it concerns",
            {
                "fields": ["editions", "priorities", "actions", "measures"],
                "description": "The decision is listed, newest first, on the page of each edition, priority, "
                "action and measure named here.",
            },
        ),
    ]

    @admin.display(description="Meeting", ordering="agenda_item__meeting__date")
    def meeting(self, obj):
        return obj.agenda_item.meeting


@admin.register(Attendance)
class AttendanceAdmin(OfficerPagesAdmin):
    list_display = ["name", "status", related_column("meeting")]
    list_filter = ["status", "meeting__body", "organisation"]
    list_select_related = ["meeting__body", "organisation"]
    search_fields = ["name", "role"]
    ordering = ["-meeting__date", "status", "name"]
    autocomplete_fields = ["meeting", "organisation"]
    fields = ["meeting", "name", "role", "organisation", "status"]


@admin.register(Minutes)
class MinutesAdmin(OfficerPagesAdmin):
    list_display = ["__str__", "status", "published_on", "updated_at"]
    list_filter = ["status", "meeting__body"]
    list_select_related = ["meeting__body"]
    search_fields = ["text", "meeting__body__name"]
    ordering = ["-meeting__date"]
    autocomplete_fields = ["meeting", "editions", "priorities", "actions", "measures"]
    fieldsets = [
        (None, {"fields": ["meeting", ("status", "published_on"), "text"]}),
        (
            "What they concern",
            {
                "fields": ["editions", "priorities", "actions", "measures"],
                "description": "Once published, the minutes are listed, newest first, on the page of each edition, "
                "priority, action and measure named here.",
            },
        ),
    ]
    history_list_display = ["published_on"]


@admin.register(Document)
class DocumentAdmin(OfficerPagesAdmin):
    list_display = ["title", related_column("meeting"), related_column("agenda_item")]
    list_filter = ["meeting__body"]
    list_select_related = ["meeting__body", "agenda_item"]
    search_fields = ["title", "url"]
    ordering = ["-meeting__date", "title"]
    autocomplete_fields = ["meeting", "agenda_item"]
    fieldsets = [
        (None, {"fields": ["meeting", "agenda_item", "title"]}),
        ("The paper", {"fields": ["file", "url"], "description": "Upload a file or give a link: one, not both."}),
    ]


@admin.register(StatutoryDuty)
class StatutoryDutyAdmin(OfficerPagesAdmin):
    list_display = ["number", "__str__", related_column("body"), related_column("edition")]
    list_display_links = ["number", "__str__"]
    list_filter = ["body", "edition"]
    list_select_related = ["body", "edition"]
    search_fields = ["text"]
    ordering = ["body", "number"]
    autocomplete_fields = ["body", "edition"]
    fields = ["body", "number", "text", "edition"]


@admin.register(KeyDecision)
class KeyDecisionAdmin(OfficerPagesAdmin):
    list_display = ["title", related_column("decision_maker"), "due_date", "status"]
    list_filter = ["status", "decision_maker", "plan_edition"]
    list_select_related = ["decision_maker", "plan_edition"]
    search_fields = ["title", "summary", "department", "lead_member"]
    ordering = ["-due_date", "title"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["decision_maker", "plan_edition"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "summary", "decision_maker", "due_date", "status", "plan_edition"]}),
        (
            "From the forward plan notice",
            {
                "fields": [
                    "first_published",
                    "reason_key",
                    "wards_affected",
                    "lead_member",
                    "lead_director",
                    "department",
                    "contact",
                    "consultation",
                ]
            },
        ),
    ]
    history_list_display = ["due_date"]
