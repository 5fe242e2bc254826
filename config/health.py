"""``/healthz``: "ok" (200) while the database answers, "unavailable" (503) when it does not.

For load balancers and uptime checks. It is answered by a middleware placed above the page cache,
sessions and host-dependent middleware, because those may themselves need the database (the page
cache reads the content version from it): a probe must get a clean 503, not a 500, in an outage.
Nothing about the failure reaches the response; the log line has it.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

HEALTH_PATH = "/healthz"

logger = logging.getLogger(__name__)


def healthz(request) -> HttpResponse:
    """Ask the database for ``SELECT 1``; say only whether it answered."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405, content_type="text/plain; charset=utf-8")
        response.headers["Allow"] = "GET, HEAD"
        return response
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    except DatabaseError:
        logger.exception("Health check failed: the database did not answer")
        response = HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answer ``/healthz`` before anything below it can touch the database or set a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
