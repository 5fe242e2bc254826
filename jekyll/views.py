""" "Export the site" in the admin: every post as a Jekyll file, with its pictures, in one zip (staff only)."""

import tempfile
import zipfile
from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jekyll.exporter import export_posts


def _export_zip(folder: Path):
    """The files under ``folder`` zipped into a temporary file (deleted once the response is sent)."""
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it, which deletes it
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(folder).as_posix())
    archive.seek(0)
    return archive


@require_POST
def export_site(request):
    """A POST (it reads every post, so no link crawler or prefetch starts it), answered with the zip."""
    if not request.user.has_perm("blog.view_post"):
        raise PermissionDenied
    with tempfile.TemporaryDirectory(prefix="site-export-") as folder:
        export_posts(Path(folder) / "_posts")
        archive = _export_zip(Path(folder))
    name = f"site-export-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")


def urls():
    """The export's URL inside the admin (so staff only, never cached)."""
    from django.urls import path

    return [path("admin/export/", admin.site.admin_view(export_site), name="jekyll-export")]
