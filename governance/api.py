"""Governance in the open data API: bodies, meetings with their agendas and decisions, key decisions, duties.

As on the pages: meetings an officer keeps off the public pages are not listed, and minutes (and the
minute of each agenda item) appear only once published.
"""

from collections import defaultdict

from django.apps import apps
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import DATE_AS_KNOWN, LoadedAfterPaging, SourcedSerializer, WebURLField, absolute, documented
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
    Minutes,
    StatutoryDuty,
)
from priorities.models import Action, PlanEdition, Priority

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

# What a decision, an agenda item or minutes may name: each kind's record in the API, and the noun for it.
NAMED = {
    "editions": ("api:edition-detail", "slug", "plan editions"),
    "priorities": ("api:priority-detail", "pk", "priorities"),
    "actions": ("api:action-detail", "pk", "actions"),
    "measures": ("api:measure-detail", "code", "measures"),
}


def named(kind):
    """The records of a kind it names, as links to them in the API: only those residents may see (a draft
    edition, and what is in it, is never named), as `load_agendas()` loads them."""
    view_name, lookup_field, noun = NAMED[kind]
    return serializers.HyperlinkedRelatedField(
        source=f"public_{kind}",
        view_name=view_name,
        lookup_field=lookup_field,
        many=True,
        read_only=True,
        help_text=f"The {noun} it concerns, as links to them in the API.",
    )


def public(kind):
    """The records of a kind residents may see: a draft edition, and what is in it, is never named."""
    return {
        "editions": PlanEdition.objects.public,
        "priorities": Priority.objects.public,
        "actions": Action.objects.public,
        # The measures app builds beside this one: its model is looked up, not imported.
        "measures": apps.get_model("measures", "Measure").objects.public,
    }[kind]()


# What each kind of record on a meeting names, and the way from such a record to its meeting.
NAMERS = {
    AgendaItem: ("meeting", ["priorities", "actions", "measures"]),
    Decision: ("agenda_item__meeting", ["editions", "priorities", "actions", "measures"]),
    Minutes: ("meeting", ["editions", "priorities", "actions", "measures"]),
}


def named_on(model, kind, meeting_ids):
    """{id of a `model` record of these meetings: [the public records of `kind` it names]}, in one query, each
    list in the named model's own order."""
    field = model._meta.get_field(kind)
    owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    order = [
        f"-{target}__{key[1:]}" if key.startswith("-") else f"{target}__{key}"
        for key in field.related_model._meta.ordering
    ]
    links = (
        field.remote_field.through.objects.filter(
            **{f"{owner}__{NAMERS[model][0]}__in": meeting_ids, f"{target}__in": public(kind)}
        )
        .select_related(target)
        .order_by(*order, "pk")
    )
    found = defaultdict(list)
    for link in links:
        found[getattr(link, f"{owner}_id")].append(getattr(link, target))
    return found


def load_agendas(meetings):
    """Give each of `meetings` its agenda items with their decisions, and what the items, the decisions and the
    published minutes name (as `named()` reads it), in the same 13 queries whatever the meetings hold.

    Django's prefetching skips a level that comes out empty (no decisions on a page: no query for what
    decisions name), so a page's queries would vary with its data; these are asked of the meetings' ids.
    """
    ids = [meeting.pk for meeting in meetings]
    if not ids:
        return
    links = {(model, kind): named_on(model, kind, ids) for model, (_, kinds) in NAMERS.items() for kind in kinds}

    def give(record, model):
        for kind in NAMERS[model][1]:
            setattr(record, f"public_{kind}", links[model, kind].get(record.pk, []))

    decisions = defaultdict(list)
    for decision in Decision.objects.filter(agenda_item__meeting__in=ids).select_related("approves_edition"):
        give(decision, Decision)
        # The edition a decision approved is one it concerns, as the edition's own record says.
        approved = decision.approves_edition
        if approved and approved.is_public and approved not in decision.public_editions:
            decision.public_editions = [approved, *decision.public_editions]
        decisions[decision.agenda_item_id].append(decision)
    items = defaultdict(list)
    for item in AgendaItem.objects.filter(meeting__in=ids).select_related("plan_edition"):
        give(item, AgendaItem)
        for decision in decisions[item.pk]:
            decision.agenda_item = item  # as a prefetch leaves it: no query to go back up
        prefetched(item, "decisions", decisions[item.pk])
        items[item.meeting_id].append(item)
    for meeting in meetings:
        for item in items[meeting.pk]:
            item.meeting = meeting
        prefetched(meeting, "agenda_items", items[meeting.pk])
        if meeting.published_minutes:
            give(meeting.published_minutes, Minutes)


def prefetched(record, relation, records):
    """`record.<relation>.all()` is `records`, as a prefetch would leave it, without a query."""
    found = getattr(record, relation).model.objects.none()
    found._result_cache, found._prefetch_done = list(records), True
    record._prefetched_objects_cache = {**getattr(record, "_prefetched_objects_cache", {}), relation: found}


class DecisionSerializer(SourcedSerializer):
    editions = named("editions")
    priorities = named("priorities")
    actions = named("actions")
    measures = named("measures")

    class Meta:
        model = Decision
        fields = ["number", "kind", "text", "editions", "priorities", "actions", "measures", "source", "provenance"]


class AgendaItemSerializer(SourcedSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)
    priorities = named("priorities")
    actions = named("actions")
    measures = named("measures")
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
            "priorities",
            "actions",
            "measures",
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


class PublishedMinutesSerializer(serializers.Serializer):
    text = serializers.CharField(read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    editions = named("editions")
    priorities = named("priorities")
    actions = named("actions")
    measures = named("measures")


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
    minutes = PublishedMinutesSerializer(
        source="published_minutes",
        read_only=True,
        allow_null=True,
        help_text="The minutes once published; null until then.",
    )
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


@documented(MeetingSerializer, noun="meetings")
class MeetingViewSet(LoadedAfterPaging, ReadOnlyModelViewSet):
    """Public meetings, newest first, with their agenda, decisions, published minutes and documents."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingDateRangeFilter
    lookup_value_regex = r"[0-9]+"
    queryset = (
        Meeting.objects.public()
        .select_related("body", "minutes")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.select_related("agenda_item")))
        .order_by(NEWEST_FIRST, "body__order", "body__name", "-pk")
    )

    # Their agendas, decisions and what those name: loaded for the page, or the one meeting, in fixed queries.
    load = staticmethod(load_agendas)


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
