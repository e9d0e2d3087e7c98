"""The read-only open data API under /api/v1/: what every endpoint shares, the root, and the docs.

Paging, throttling and the error format are in `kcpp.api_defaults` (DRF's settings import them early).

Each app declares its own serializers and viewsets in its `api.py`; this module gives them one way
to page, to refuse writes, to report errors as JSON and to describe themselves in the OpenAPI schema.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.viewsets import ReadOnlyModelViewSet

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": "Contains public sector information licensed under the Open Government Licence v3.0.",
}


# ---- documenting the errors ------------------------------------------------------------------------


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


def documented(serializer, *, noun):
    """Describe a read-only viewset's list and detail operations, with the errors each can give."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}",
            responses={
                200: serializer(many=True),
                **ERRORS,
                404: OpenApiResponse(ERROR, description="The page asked for is past the last page."),
            },
        ),
        retrieve=extend_schema(
            summary=f"One of the {noun}",
            responses={200: serializer, **ERRORS, 404: OpenApiResponse(ERROR, description="There is no such record.")},
        ),
    )


class ReadOnlyViewSet(ReadOnlyModelViewSet):
    """Open to anyone, for reading only: any write is a 405, whoever asks."""

    permission_classes = [AllowAny]


class WebURLField(serializers.URLField):
    """The record's page on the portal, as an absolute URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The page for this on the portal.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return absolute(self.context, value.get_absolute_url())


def absolute(context, url):
    """A path made absolute with the host the client asked, as DRF's own links are."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


# ---- the root, unknown paths and the docs ---------------------------------------------------------


class RootView(APIRootView):
    """The API root: every collection, the licence, and where the documentation is."""

    def get(self, request, *args, **kwargs):
        collections = {}
        for key, url_name in self.api_root_dict.items():
            try:
                collections[key] = request.build_absolute_uri(reverse(f"api:{url_name}"))
            except NoReverseMatch:  # pragma: no cover - every registered list has a name
                continue
        return Response(
            {
                "name": f"{settings.PORTAL['service_name']} open data API",
                "description": "The Kirklees Communities Partnership Plan, its measures and its governance, "
                "read-only. Only published content: no draft plans and no provisional figures.",
                "licence": LICENCE,
                "documentation": request.build_absolute_uri(reverse("api-docs")),
                "schema": request.build_absolute_uri(reverse("api-schema")),
                "downloads": request.build_absolute_uri(reverse("open-data")),
                "collections": collections,
            }
        )


class Router(DefaultRouter):
    APIRootView = RootView
    include_format_suffixes = False  # JSON is the only format, and measure codes have dots in them


def not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404, as the API's own errors are."""
    return JsonResponse(
        {"detail": "There is no such API path. The API root lists every collection: /api/v1/"},
        status=status.HTTP_404_NOT_FOUND,
    )


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), its start-up script from a URL, not inline."""

    template_name = "api/docs.html"
    title = "Open data API: Kirklees Communities Partnership"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            response.data["breadcrumbs"] = [
                ("Home", reverse("home")),
                ("Open data", reverse("open-data")),
                ("API documentation", None),
            ]
        return response
