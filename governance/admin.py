from django.contrib import admin
from django.template.loader import render_to_string

from core.admin import OfficerHistoryAdmin, OfficerStackedInline, OfficerTabularInline
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
class BodyAdmin(OfficerHistoryAdmin):
    list_display = ["name", "short_name", "kind", "parent", "locality", "order"]
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
class MembershipAdmin(OfficerHistoryAdmin):
    list_display = ["name", "role", "body", "organisation", "start_date", "end_date"]
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
    fields = ["number", "agenda_number", "title", "plan_edition"]
    autocomplete_fields = ["plan_edition"]


class AttendanceInline(OfficerTabularInline):
    model = Attendance
    fields = ["name", "role", "organisation", "status"]
    autocomplete_fields = ["organisation"]


class DocumentInline(OfficerTabularInline):
    model = Document
    fields = ["title", "file", "url", "agenda_item"]
    autocomplete_fields = ["agenda_item"]
    fields_once_saved = ["agenda_item"]


class MinutesInline(OfficerStackedInline):
    model = Minutes
    fields = ["status", "published_on", "text"]
    max_num = 1
    select_related = ["meeting__body"]


@admin.register(Meeting)
class MeetingAdmin(OfficerHistoryAdmin):
    list_display = ["date", "body", "date_text", "status", "is_published", "location"]
    list_display_links = ["date", "body"]
    list_filter = ["body", "status", "is_published", "date_precision"]
    list_select_related = ["body"]
    search_fields = ["body__name", "body__short_name", "location"]
    ordering = ["-date", "body"]
    date_hierarchy = "date"
    autocomplete_fields = ["body"]
    readonly_fields = ["decisions"]
    inlines = [AgendaItemInline, AttendanceInline, DocumentInline, MinutesInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["body", ("date", "date_precision"), "start_time", "location"]}),
        ("Status", {"fields": ["status", "is_published"]}),
        (
            "Decisions",
            {
                "fields": ["decisions"],
                "description": "Decisions are recorded on each agenda item: open the item from the agenda below.",
            },
        ),
    ]
    history_list_display = ["date"]

    @admin.display(description="Date as shown")
    def date_text(self, obj):
        return obj.date_text

    @admin.display(description="Decisions made at this meeting")
    def decisions(self, obj):
        if obj.pk is None:
            return None
        decisions = Decision.objects.filter(agenda_item__meeting=obj).select_related("agenda_item")
        return render_to_string("admin/governance/meeting/_decisions.html", {"decisions": decisions})


class DecisionInline(OfficerTabularInline):
    model = Decision
    fields = ["number", "kind", "text"]


@admin.register(AgendaItem)
class AgendaItemAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "meeting", "plan_edition"]
    list_filter = ["meeting__body", "plan_edition"]
    list_select_related = ["meeting__body", "plan_edition"]
    search_fields = ["title", "description", "minute", "meeting__body__name"]
    ordering = ["-meeting__date", "meeting", "number"]
    date_hierarchy = "meeting__date"
    autocomplete_fields = ["meeting", "plan_edition"]
    inlines = [DecisionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["meeting", ("number", "agenda_number"), "title", "plan_edition"]}),
        ("Item", {"fields": ["description", "contacts", "minute"]}),
    ]


@admin.register(Decision)
class DecisionAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "kind", "agenda_item", "meeting"]
    list_filter = ["kind", "agenda_item__meeting__body"]
    list_select_related = ["agenda_item__meeting__body"]
    search_fields = ["text", "agenda_item__title"]
    ordering = ["-agenda_item__meeting__date", "agenda_item__number", "number"]
    date_hierarchy = "agenda_item__meeting__date"
    autocomplete_fields = ["agenda_item"]
    fields = ["agenda_item", "number", "kind", "text"]

    @admin.display(description="Meeting", ordering="agenda_item__meeting__date")
    def meeting(self, obj):
        return obj.agenda_item.meeting


@admin.register(Attendance)
class AttendanceAdmin(OfficerHistoryAdmin):
    list_display = ["name", "status", "role", "organisation", "meeting"]
    list_filter = ["status", "meeting__body", "organisation"]
    list_select_related = ["meeting__body", "organisation"]
    search_fields = ["name", "role"]
    ordering = ["-meeting__date", "status", "name"]
    autocomplete_fields = ["meeting", "organisation"]
    fields = ["meeting", "name", "role", "organisation", "status"]


@admin.register(Minutes)
class MinutesAdmin(OfficerHistoryAdmin):
    list_display = ["__str__", "status", "published_on", "updated_at"]
    list_filter = ["status", "meeting__body"]
    list_select_related = ["meeting__body"]
    search_fields = ["text", "meeting__body__name"]
    ordering = ["-meeting__date"]
    autocomplete_fields = ["meeting"]
    fields = ["meeting", ("status", "published_on"), "text"]
    history_list_display = ["published_on"]


@admin.register(Document)
class DocumentAdmin(OfficerHistoryAdmin):
    list_display = ["title", "meeting", "agenda_item", "file", "url"]
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
class StatutoryDutyAdmin(OfficerHistoryAdmin):
    list_display = ["number", "__str__", "body", "edition"]
    list_display_links = ["number", "__str__"]
    list_filter = ["body", "edition"]
    list_select_related = ["body", "edition"]
    search_fields = ["text"]
    ordering = ["body", "number"]
    autocomplete_fields = ["body", "edition"]
    fields = ["body", "number", "text", "edition"]


@admin.register(KeyDecision)
class KeyDecisionAdmin(OfficerHistoryAdmin):
    list_display = ["title", "decision_maker", "due_date", "status", "plan_edition"]
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
