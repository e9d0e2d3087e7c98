"""The API's defaults that DRF's settings name: paging, the anonymous throttle and the error format.

Kept apart from `core.api` because DRF imports these while `rest_framework.views` is still loading:
this module must not import that (the exception handler imports it when first called).
"""

import logging

from django.conf import settings
from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle


class Pagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` asks for up to 200. A page past the end is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = "Which page of results, from 1."
    invalid_page_message = "There is no page {page_number} of these results."
    page_size_query_description = "How many results a page holds: 50 unless asked, at most 200."

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if asked in (None, ""):
            return self.page_size
        if not asked.isdigit() or int(asked) < 1:
            raise ValidationError({"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]})
        return min(int(asked), self.max_page_size)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response


logger = logging.getLogger(__name__)


def client_address(request):
    """The client's own address, behind as many proxies as DJANGO_NUM_PROXIES says: DRF's reading of it."""
    from rest_framework.throttling import BaseThrottle

    return BaseThrottle().get_ident(request)


class AnonymousThrottle(AnonRateThrottle):
    """Limits anonymous clients to `API_ANON_RATE` (settings), read on each request so tests can change it.

    The counts are kept in the cache (Redis in production). If the cache is down, the API stays open:
    requests are let through, unthrottled, rather than answered 500, and the failure is logged.
    """

    def get_rate(self):
        return settings.API_ANON_RATE

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # the cache client's own errors (redis.ConnectionError, timeouts)
            logger.warning("API throttling is off while the cache is unavailable: %s", error)
            return True


def handle_exception(exc, context):
    """DRF's error responses, with one shape for all of them: `detail`, and `errors` by parameter for a 400."""
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    view = context.get("view")
    if isinstance(exc, Http404) and view is not None and view.kwargs.get(getattr(view, "lookup_field", "pk")):
        # A record asked for by its id, slug or code that is not there, or not public.
        noun = view.get_queryset().model._meta.verbose_name
        key = view.lookup_field if view.lookup_field != "pk" else "id"
        response.data = {"detail": f"There is no {noun} with the {key} {view.kwargs[view.lookup_field]!r}."}
    elif isinstance(exc, ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": "Some of the query parameters are not valid.", "errors": errors}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": str(response.data)}
    return response
