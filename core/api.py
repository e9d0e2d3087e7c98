"""What every app's read-only API viewsets share: absolute links, the link to the web page, documented errors.

Paging, throttling and the error format are in `core.api_defaults` (DRF's settings import them early).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers

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
