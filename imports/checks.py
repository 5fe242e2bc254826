"""Settings an import relies on, checked at start-up: the request guard lets the largest upload through, and
uploads are kept where the site never serves them."""

from pathlib import Path

from django.conf import settings
from django.core import checks

# The form around the file: its token, the CSRF token, the multipart boundaries.
FORM_ROOM = 64 * 1024


@checks.register(checks.Tags.compatibility)
def check_import_settings(app_configs, **kwargs):
    problems = []
    if settings.IMPORT_MAX_UPLOAD_BYTES + FORM_ROOM > settings.MAX_REQUEST_BYTES:
        problems.append(
            checks.Error(
                "IMPORT_MAX_UPLOAD_BYTES is larger than MAX_REQUEST_BYTES lets through: an upload the form "
                "accepts would be refused before it arrives.",
                hint="Lower IMPORT_MAX_UPLOAD_BYTES or raise MAX_REQUEST_BYTES.",
                id="imports.E001",
            )
        )
    location = settings.STORAGES.get("imports", {}).get("OPTIONS", {}).get("location")
    if location and Path(location).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        problems.append(
            checks.Error(
                "The imports storage is inside MEDIA_ROOT, which the site serves: uploads would be public.",
                hint="Point IMPORT_UPLOAD_DIR somewhere outside MEDIA_ROOT.",
                id="imports.E002",
            )
        )
    return problems
