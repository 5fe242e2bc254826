"""Request ids, and log lines that each fit on one line.

Every request gets an id (a sane incoming ``X-Request-ID`` from our proxy is kept, anything else is
replaced). The id goes back in the ``X-Request-ID`` header, onto every log line written while the
request runs, and onto the 500 page, so a reader's "it broke, reference 3f9c…" leads to one line
in the log with the path, the status and the traceback folded into it.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
# Ids we accept from outside: short, and nothing that could forge a log line or break a page.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def new_request_id(incoming: str | None = None) -> str:
    """The incoming id when it is sane, else a fresh random one."""
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id (``request.request_id``) and echo it in the response headers.

    Sits first in ``MIDDLEWARE`` so redirects, cached pages and error pages all carry it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        token = _current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response.headers[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestContextFilter(logging.Filter):
    """Add ``request_id``, ``path`` and ``status`` to every record (``-`` when there is none)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current_request_id.get()
        record.path = getattr(request, "path", None) or "-"
        record.status = getattr(record, "status_code", None) or "-"
        return True


class OneLineFormatter(logging.Formatter):
    """A record as exactly one line: newlines and other control characters are escaped, tracebacks included.

    One line per event keeps log collectors from splitting a traceback into dozens of unrelated
    entries, and stops a crafted path or form value from forging a line of its own.
    """

    default_format = (
        "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s path=%(path)s status=%(status)s %(message)s"
    )

    def __init__(self, fmt=None, datefmt=None, style="%", **kwargs):
        super().__init__(fmt or self.default_format, datefmt, style, **kwargs)

    def format(self, record):
        for name in ("request_id", "path", "status"):
            if not hasattr(record, name):
                setattr(record, name, "-")
        # The traceback, which logging appends after a newline, ends up escaped on the same line.
        return _CONTROL.sub(_escape, super().format(record))


def _escape(match: re.Match) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}")
