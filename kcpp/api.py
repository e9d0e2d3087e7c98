"""The read-only open data API under /api/v1/: the router, the root, unknown paths and the docs.

Each app declares its own serializers and viewsets in its `api.py`, from the pieces in `core.api`;
paging, throttling and the error format are set once in settings, from `core.api_defaults`.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": "Contains public sector information licensed under the Open Government Licence v3.0.",
}


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
