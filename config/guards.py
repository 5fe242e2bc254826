"""Refuse requests no URL of ours can mean before they reach a view.

A NUL character cannot appear in any slug, tag or page of the site, and PostgreSQL refuses to
compare text containing one (a ``DataError``, which a view would turn into a 500). Rather than guard
every lookup, requests whose path or query string carries one are answered 400 here, once.
Form bodies need no guard: Django's form fields already reject NUL as a form error. The one exception
is the reader's search text (``q`` on the search page): its form drops control characters before any
query, and a reader who pasted one deserves results or "nothing found", not an error.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse

NUL = "\x00"


@cache
def _free_text() -> tuple[str, str]:
    """(path, parameter) whose value a form cleans itself."""
    return reverse("blog:search"), "q"


class RefuseNulMiddleware:
    """400 for a NUL in the path or in a query parameter's name or value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path, free_text = _free_text()
        cleaned_by_form = free_text if request.path == path else None
        if NUL in request.path or any(
            NUL in key or (key != cleaned_by_form and any(NUL in value for value in values))
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("Bad request.\n", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class BodySizeMiddleware:
    """No request body larger than ``MAX_REQUEST_BYTES`` (413), refused before anything reads it.

    Django limits form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not files, which it writes to disk
    wherever a view or the CSRF check reads ``request.POST``; the files themselves are refused outside
    the admin by ``AdminOnlyUploadHandler``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.headers.get("Content-Length")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                return HttpResponseBadRequest("Bad request.\n", content_type="text/plain; charset=utf-8")
            if length > settings.MAX_REQUEST_BYTES:
                return HttpResponse("Too large.\n", status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class AdminOnlyUploadHandler(FileUploadHandler):
    """Files are taken only by the admin (staff uploading pictures), one per request except on the import
    form (Markdown files, up to ``DATA_UPLOAD_MAX_NUMBER_FILES``); anywhere else a file is a 400."""

    def __init__(self, request=None):
        super().__init__(request)
        self.files = 0

    def new_file(self, *args, **kwargs):
        if not self.request.path.startswith(_admin_prefix()):
            raise TooManyFilesSent("Files are accepted only in the admin.")
        self.files += 1
        if self.files > 1 and self.request.path != _many_files_path():
            raise TooManyFilesSent("One file at a time here.")
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler keeps it

    def file_complete(self, file_size):
        return None


@cache
def _admin_prefix() -> str:
    return reverse("admin:index")


@cache
def _many_files_path() -> str:
    return reverse("admin:imports_importrun_add")
