"""``/media/…``: the pictures essays show, served by the site itself so one machine needs nothing else.

Only names the site itself makes are served (``images/ab/<hash>[-<width>].<ext>``), so no path can leave
the media folder and nothing else in it (or in a bucket) can be reached; there is no listing. A name is
its content's hash, so a file never changes: a year's ``immutable`` caching, and its name is the ETag.
"""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from blog.images import CONTENT_TYPES

_NAME = re.compile(r"images/[0-9a-f]{2}/[0-9a-f]{24}(?:-[0-9]{1,5})?\.(jpg|png|gif|webp)")
ONE_YEAR = 60 * 60 * 24 * 365


@require_safe
def media_file(request, name: str):
    match = _NAME.fullmatch(name)
    if match is None:
        raise Http404("No such file")
    etag = f'"{name.rsplit("/", 1)[-1]}"'
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        response = HttpResponseNotModified()
    else:
        try:
            handle = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError) as error:
            raise Http404("No such file") from error
        response = FileResponse(handle, content_type=CONTENT_TYPES[match.group(1)])
    response.headers["ETag"] = etag
    patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    return response
