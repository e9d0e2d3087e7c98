"""Bad input and a database that is away: answered 400 and 503, never 500.

- A web address holding a null byte or another control character is answered 400, on every page
  and API alike, before any view passes it to the database (PostgreSQL refuses null bytes, which was
  a 500). Query parameters are checked by the forms that read them, which name the parameter.
- While the database cannot be reached (a restart, a failover), a request gets a clean 503 from
  `server_error`, the 500 handler: the GOV.UK "Sorry, there is a problem with the service" page, or
  JSON from the API, with Retry-After. Nothing half-written stays: officers' saves in the admin
  run in a transaction. Connections are checked before reuse (CONN_HEALTH_CHECKS), so the
  portal recovers by itself once the database is back.
"""

import logging
import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

# C0 control characters (null included) and DEL; tabs and line breaks have no place in an address either.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
RETRY_AFTER_SECONDS = 10


def is_api(request):
    return request.path.startswith("/api/")


class RejectMalformedRequestsMiddleware:
    """Answers 400 to a request whose path holds control characters.

    Query parameters are the filter forms' to check: they say which parameter is wrong, and why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path):
            message = "The web address holds characters that cannot be part of one (such as a null byte)."
            if is_api(request):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def server_error(request):
    """The 500 handler: a clean 503 while the database cannot be reached, else the 500 page.

    Django calls it while handling the exception, from a view or any middleware, so the exception is
    at hand. Rendered without the request: its context (the signed-in user) may need the database.
    """
    exception = sys.exc_info()[1]
    unavailable = isinstance(exception, OperationalError | InterfaceError)
    if unavailable:
        logger.warning("Database unavailable: %s", exception)
    status = 503 if unavailable else 500
    if is_api(request):
        detail = (
            "The service is unavailable for a moment. Try again in a few seconds."
            if unavailable
            else "Sorry, there is a problem with the service."
        )
        response = JsonResponse({"detail": detail}, status=status)
    else:
        response = HttpResponse(loader.get_template("500.html").render({"unavailable": unavailable}), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
