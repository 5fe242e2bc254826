"""``/healthz``: "ok" (200) while the database answers, "unavailable" (503) when it does not.

For load balancers and uptime checks: a page like any other (config/urls.py), so the Host check,
HTTPS rules and request id apply to it too. Nothing on its way needs the database: sessions and
messages are never touched, and the page cache passes by (it is not a public page). Nothing about a
failure reaches the response; the log line has it.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


# csrf_exempt: a probe's POST is told the allowed methods (405) rather than refused for a missing token.
@csrf_exempt
@never_cache
@require_safe
def healthz(request) -> HttpResponse:
    """Ask the database for ``SELECT 1``; say only whether it answered."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check failed: the database did not answer")
        return HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
