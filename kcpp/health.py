"""Liveness and readiness probes for the hosting platform."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """The process is up and answering. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """The portal can serve pages: its database answers (503 if not); says whether its cache works."""
    checks = {}
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"unavailable: {error.__class__.__name__}"
    try:
        cache.set("readyz", "ok", 5)
        checks["cache"] = "ok" if cache.get("readyz") == "ok" else "degraded: not storing values"
    except Exception as error:  # the cache client's own errors
        checks["cache"] = f"degraded: {error.__class__.__name__}"
    # Without its cache the portal still serves every page and the API (unthrottled): degraded, not down.
    ready = checks["database"] == "ok"
    status = "unavailable" if not ready else "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
