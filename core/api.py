"""What every app's read-only API viewsets share: absolute links, the link to the web page, documented errors.

Paging, throttling and the error format are in `core.api_defaults` (DRF's settings import them early).
"""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from core.decisions import decisions_of, minutes_of

ERROR = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, in words."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="For a 400: the messages for each query parameter that was not valid.",
        ),
    },
)
ERRORS = {
    400: OpenApiResponse(ERROR, description="A query parameter is not valid: `errors` says which and why."),
    429: OpenApiResponse(ERROR, description="Too many requests: wait the seconds the Retry-After header gives."),
}


def documented(serializer, *, noun, list_serializer=None):
    """Describe a read-only viewset's list and detail operations, with the errors each can give.

    `list_serializer`, where given, is the shorter record the list gives (see the viewset).
    """
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}",
            responses={
                200: (list_serializer or serializer)(many=True),
                **ERRORS,
                404: OpenApiResponse(ERROR, description="The page asked for is past the last page."),
            },
        ),
        retrieve=extend_schema(
            summary=f"One of the {noun}",
            responses={200: serializer, **ERRORS, 404: OpenApiResponse(ERROR, description="There is no such record.")},
        ),
    )


def absolute(context, url):
    """A path made absolute with the host the client asked, as DRF's own links are."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class WebURLField(serializers.URLField):
    """The record's page on the portal, as an absolute URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The page for this on the portal.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return absolute(self.context, value.get_absolute_url())


class SharedLinkField(serializers.HyperlinkedRelatedField):
    """A link to a related record that many rows of a list name (each value's measure): made once per record
    and response, not once per row."""

    def get_url(self, obj, view_name, request, format):
        made = self.context.setdefault("shared_links", {})
        key = (view_name, obj.pk, format)
        if key not in made:
            made[key] = super().get_url(obj, view_name, request, format)
        return made[key]


class SourcedSerializer(serializers.ModelSerializer):
    """A record that may come from the source documents, saying where it comes from (see `core.models.Sourced`)."""

    source = serializers.SerializerMethodField(
        help_text="The source document and section the record was loaded from; null for what an officer entered."
    )
    provenance = serializers.CharField(
        read_only=True,
        help_text="Where the record comes from, as the web page says it: its source, or that an officer entered "
        "it, and when an officer last changed it.",
    )

    def get_source(self, obj) -> str | None:
        return obj.source if obj.is_loaded else None


# ---- the decisions and minutes about a record of the plan -------------------------------------------

# A meeting's date to the precision known: year, year-month or year-month-day (ISO 8601).
DATE_AS_KNOWN = {
    "type": "string",
    "nullable": True,
    "pattern": r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
    "example": "2022-12",
}
MEETING_DATE_HELP = (
    "The meeting's date in ISO 8601 as far as it is known (as the meetings give it); null if not stated."
)


class DecisionAboutSerializer(serializers.Serializer):
    """A decision of a public meeting about the record: where and when it was made, and what it says."""

    meeting = serializers.HyperlinkedRelatedField(
        source="agenda_item.meeting", view_name="api:meeting-detail", read_only=True, help_text="The meeting."
    )
    web_url = WebURLField(help_text="The decision on the meeting's page on the portal.")
    body = serializers.CharField(
        source="agenda_item.meeting.body.slug", read_only=True, help_text="The slug of the body that met."
    )
    body_name = serializers.CharField(source="agenda_item.meeting.body.name", read_only=True)
    date = serializers.SerializerMethodField(help_text=MEETING_DATE_HELP)
    agenda_item = serializers.CharField(
        source="agenda_item.title", read_only=True, help_text="The title of the agenda item it was made on."
    )
    number = serializers.IntegerField(read_only=True, help_text="(1), (2) … as minuted on the item.")
    kind = serializers.CharField(read_only=True, help_text="resolution, decision or recommendation.")
    text = serializers.CharField(read_only=True, help_text="Word for word as minuted.")

    @extend_schema_field(DATE_AS_KNOWN)
    def get_date(self, decision):
        return decision.agenda_item.meeting.date_iso


class MinutesAboutSerializer(serializers.Serializer):
    """Published minutes of a public meeting that name the record."""

    meeting = serializers.HyperlinkedRelatedField(
        view_name="api:meeting-detail", read_only=True, help_text="The meeting, with its minutes."
    )
    web_url = WebURLField(help_text="The minutes on the meeting's page on the portal.")
    body = serializers.CharField(source="meeting.body.slug", read_only=True, help_text="The slug of the body that met.")
    body_name = serializers.CharField(source="meeting.body.name", read_only=True)
    date = serializers.SerializerMethodField(help_text=MEETING_DATE_HELP)
    published_on = serializers.DateField(read_only=True, allow_null=True)

    @extend_schema_field(DATE_AS_KNOWN)
    def get_date(self, minutes):
        return minutes.meeting.date_iso


class LoadedAfterPaging:
    """A viewset whose records each need what `load` gives a list of them: each page, or the one record asked
    for, is loaded in the same queries however many records it holds."""

    @staticmethod
    def load(records):
        raise NotImplementedError

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.load(page)
        return page

    def get_object(self):
        record = super().get_object()
        self.load([record])
        return record


class DecisionsAboutField(serializers.ListField):
    """The newest decisions of public meetings about the record, as its page lists them (core/decisions.py).

    The viewset loads them with `core.decisions.load_about()` (`LoadedAfterPaging`).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "The newest 20 decisions of public meetings about it, as its page shows them: those that name it and "
            "those made on an agenda item that names it. Every one is in its meeting's record.",
        )
        super().__init__(child=DecisionAboutSerializer(), source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return super().to_representation(decisions_of(record))


class MinutesAboutField(serializers.ListField):
    """The published minutes that name the record, newest meeting first (core/decisions.py).

    The viewset loads them with `core.decisions.load_about()` (`LoadedAfterPaging`).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "The newest 20 published minutes of public meetings that name it, as its page shows them.",
        )
        super().__init__(child=MinutesAboutSerializer(), source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return super().to_representation(minutes_of(record))
