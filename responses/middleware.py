"""The post page's threads put in as bytes, after the page around them is drawn.

A page of fifty threads is some 120 KB of HTML. Drawn through the templates it was copied into each
enclosing template's output, encoded with the whole page (slowly, as soon as one character of the page
is not ASCII) and hashed for the page's ``ETag``, on every request. The section's template holds a marker
instead (:func:`place`); :class:`KeptThreadsMiddleware` puts the threads' bytes, encoded and hashed once
per process (:attr:`responses.threads.DrawnPage.encoded`), in its place, and gives the page an ``ETag``
from the rest of the page and that hash, so that ``ConditionalGetMiddleware`` need not read it all.
"""

import hashlib
import secrets

from django.utils.html import format_html
from django.utils.safestring import SafeString

_PLACES = "kept_threads"  # the request's attribute: [(marker, bytes, digest)], while the middleware runs


def place(request, page) -> SafeString:
    """What the section's template shows for ``page``'s threads (a :class:`responses.threads.DrawnPage`).

    A marker no one can guess, which the middleware replaces by the threads; the threads themselves when
    the middleware is not in this request's way (a template drawn on its own).
    """
    places = getattr(request, _PLACES, None)
    if places is None or not page.html:
        return page.html
    marker = format_html("<!--responses {}-->", secrets.token_hex(16))
    places.append((marker.encode(), *page.encoded))
    return marker


class KeptThreadsMiddleware:
    """Put the threads :func:`place` kept out of the page back in, as bytes, and the page's ``ETag``.

    Below the page cache and ``ConditionalGetMiddleware``, so both see the whole page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        places = []
        setattr(request, _PLACES, places)
        response = self.get_response(request)
        if not places or response.streaming:
            return response
        content = response.content
        parts, digests, start = [], [], 0
        for marker, data, digest in places:
            at = content.find(marker, start)
            if at < 0:
                continue  # drawn, then not used (or not a page at all): nothing to put back
            parts += [content[start:at], data]
            digests += [content[start:at], digest]
            start = at + len(marker)
        if not parts:
            return response
        parts.append(content[start:])
        digests.append(content[start:])
        response.content = parts
        if not response.has_header("ETag") and "no-store" not in response.get("Cache-Control", ""):
            # Strong: the page's bytes outside the threads and the threads' own digest name the page exactly.
            response.headers["ETag"] = f'"{hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest()}"'
        return response
