"""Governance in the open data API: bodies, meetings with their agendas and decisions, key decisions, duties.

As on the pages: meetings an officer keeps off the public pages are not listed, and minutes (and the
minute of each agenda item) appear only once published.
"""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import SourcedSerializer, WebURLField, absolute, documented
from governance.filters import MeetingDateRangeFilter
from governance.models import (
    NEWEST_FIRST,
    AgendaItem,
    Body,
    Decision,
    Document,
    KeyDecision,
    Meeting,
    Membership,
    StatutoryDuty,
)

# ---- bodies ------------------------------------------------------------------------------------------


class MemberSerializer(SourcedSerializer):
    organisation = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["name", "role", "title", "organisation", "start_date", "end_date", "source", "provenance"]


class BodySerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:body-detail", lookup_field="slug")
    web_url = WebURLField()
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The body it reports to."
    )
    locality = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    members = MemberSerializer(many=True, read_only=True, help_text="Who sits on it today, chair first.")

    class Meta:
        model = Body
        fields = [
            "slug",
            "url",
            "web_url",
            "name",
            "short_name",
            "kind",
            "parent",
            "locality",
            "description",
            "members",
            "source",
            "provenance",
        ]


@documented(BodySerializer, noun="bodies")
class BodyViewSet(ReadOnlyModelViewSet):
    """The boards, groups and committees with a part in the plan's governance, and their members."""

    serializer_class = BodySerializer
    lookup_field = "slug"

    def get_queryset(self):
        members = Prefetch("memberships", queryset=Membership.objects.current(timezone.localdate()), to_attr="members")
        return Body.objects.select_related("parent", "locality").prefetch_related(members).order_by("order", "name")


# ---- meetings ----------------------------------------------------------------------------------------


class DecisionSerializer(SourcedSerializer):
    class Meta:
        model = Decision
        fields = ["number", "kind", "text", "source", "provenance"]


class AgendaItemSerializer(SourcedSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)
    minute = serializers.SerializerMethodField(help_text="The minute of the item, once the minutes are published.")
    plan_edition = serializers.SerializerMethodField(help_text="The slug of the plan edition the item is about.")

    class Meta:
        model = AgendaItem
        fields = [
            "number",
            "agenda_number",
            "title",
            "description",
            "contacts",
            "minute",
            "plan_edition",
            "decisions",
            "source",
            "provenance",
        ]

    def get_minute(self, item) -> str | None:
        # The meeting is the one the items were prefetched for, with its minutes: no query here.
        return item.minute if item.meeting.published_minutes else None

    def get_plan_edition(self, item) -> str | None:
        return item.plan_edition.public_slug if item.plan_edition else None


class DocumentSerializer(SourcedSerializer):
    link = serializers.SerializerMethodField(help_text="Where to read it: the uploaded file or the link.")
    agenda_item = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True, help_text="The number of the item it is for, if any."
    )

    class Meta:
        model = Document
        fields = ["title", "link", "agenda_item", "source", "provenance"]

    def get_link(self, document) -> str:
        return absolute(self.context, document.download_url) if document.file else document.url


MINUTES = inline_serializer(
    "PublishedMinutes",
    fields={"text": serializers.CharField(), "published_on": serializers.DateField(allow_null=True)},
    allow_null=True,
)


# A meeting's date to the precision known: year, year-month or year-month-day (ISO 8601).
DATE_AS_KNOWN = {
    "type": "string",
    "nullable": True,
    "pattern": r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
    "example": "2022-12",
}


class MeetingSerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")
    web_url = WebURLField()
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    body_name = serializers.CharField(source="body.name", read_only=True)
    date = serializers.SerializerMethodField(
        help_text="The date in ISO 8601 as far as it is known: `2024-01-09` when the day is known, `2022-12` when "
        "only the month is, `2020` when only the year is (`date_precision` says which); null when no record "
        "says when it met. The date filters and the order treat a month or year as its first day; meetings "
        "without a date come last and match no date filter."
    )
    date_text = serializers.CharField(read_only=True, help_text="The date as far as it is known, e.g. December 2022.")
    date_precision = serializers.SerializerMethodField(
        help_text="How much of the date is known: day, month or year; null when no record gives the date."
    )
    agenda_items = AgendaItemSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField(help_text="The minutes once published; null until then.")
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "url",
            "web_url",
            "body",
            "body_name",
            "date",
            "date_precision",
            "date_text",
            "start_time",
            "location",
            "status",
            "agenda_items",
            "minutes",
            "documents",
            "updated_at",
            "source",
            "provenance",
        ]

    @extend_schema_field(DATE_AS_KNOWN)
    def get_date(self, meeting):
        return meeting.date_iso

    @extend_schema_field(serializers.ChoiceField(choices=Meeting.DatePrecision.choices, allow_null=True))
    def get_date_precision(self, meeting):
        return meeting.date_precision if meeting.date else None

    @extend_schema_field(MINUTES)
    def get_minutes(self, meeting):
        minutes = meeting.published_minutes
        return {"text": minutes.text, "published_on": minutes.published_on} if minutes else None


@documented(MeetingSerializer, noun="meetings")
class MeetingViewSet(ReadOnlyModelViewSet):
    """Public meetings, newest first, with their agenda, decisions, published minutes and documents."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingDateRangeFilter
    lookup_value_regex = r"[0-9]+"
    queryset = (
        Meeting.objects.public()
        .select_related("body", "minutes")
        .prefetch_related(
            Prefetch(
                "agenda_items", queryset=AgendaItem.objects.select_related("plan_edition").prefetch_related("decisions")
            ),
            Prefetch("documents", queryset=Document.objects.select_related("agenda_item")),
        )
        .order_by(NEWEST_FIRST, "body__order", "body__name", "-pk")
    )


# ---- key decisions and duties ------------------------------------------------------------------------


class KeyDecisionSerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:key-decision-detail")
    web_url = WebURLField()
    decision_maker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    plan_edition = serializers.SerializerMethodField(help_text="The slug of the plan edition it concerns.")

    class Meta:
        model = KeyDecision
        fields = [
            "id",
            "url",
            "web_url",
            "title",
            "summary",
            "decision_maker",
            "due_date",
            "first_published",
            "reason_key",
            "wards_affected",
            "status",
            "lead_member",
            "lead_director",
            "department",
            "contact",
            "consultation",
            "plan_edition",
            "source",
            "provenance",
        ]

    def get_plan_edition(self, decision) -> str | None:
        return decision.plan_edition.public_slug if decision.plan_edition else None


@documented(KeyDecisionSerializer, noun="key decisions")
class KeyDecisionViewSet(ReadOnlyModelViewSet):
    """Key decisions as published in the Council's forward plan notices."""

    serializer_class = KeyDecisionSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = KeyDecision.objects.select_related("decision_maker", "plan_edition").order_by("-due_date", "title")


class StatutoryDutySerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:duty-detail")
    web_url = WebURLField()
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    edition = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = StatutoryDuty
        fields = ["id", "url", "web_url", "body", "number", "text", "edition", "source", "provenance"]


@documented(StatutoryDutySerializer, noun="statutory duties")
class StatutoryDutyViewSet(ReadOnlyModelViewSet):
    """The statutory and legal duties of the Communities Board, as the plan lists them."""

    serializer_class = StatutoryDutySerializer
    lookup_value_regex = r"[0-9]+"
    queryset = (
        StatutoryDuty.objects.public().select_related("body", "edition").order_by("body__order", "body__name", "number")
    )
