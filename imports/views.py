"""The import pages inside the admin: the upload form, a run's progress then its outcome table, and its
progress as JSON for the page's script. Mounted by ``ImportRunAdmin`` (so staff only and never cached)."""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_safe

from blog.desk.limits import allow
from imports import services
from imports.forms import UploadForm
from imports.models import ImportOutcome, ImportRun
from jekyll.front_matter import MAX_FILE_BYTES

UPLOADS_PER_MINUTE = 10


def may_import(user) -> bool:
    """Importing writes posts: it takes the import permission and the post permissions it would use."""
    return all(user.has_perm(name) for name in ("imports.add_importrun", "blog.add_post", "blog.change_post"))


def may_view(user) -> bool:
    return user.has_perm("imports.view_importrun") or may_import(user)


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, *, site):
    """The form (GET), or an upload checked and started (POST, then to its page): a bad one is a 400."""
    if not may_import(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if not allow(user=request.user, action="import", limit=UPLOADS_PER_MINUTE):
            form.add_error(None, "Too many uploads in a minute; wait a moment and send the files again.")
            status = 429
        elif form.is_valid():
            run, _started = services.start_import(
                user=request.user, token=form.cleaned_data["token"], upload=form.cleaned_data["upload"]
            )
            return redirect(run)
        else:
            status = 400
    else:
        form = UploadForm(initial={"token": uuid.uuid4()})
    context = {
        **site.each_context(request),
        "title": "Import posts",
        "opts": ImportRun._meta,
        "form": form,
        "token_lost": bool(form.errors.get("token")),
        "limits": {
            "upload_bytes": settings.IMPORT_MAX_UPLOAD_BYTES,
            "upload_mb": settings.IMPORT_MAX_UPLOAD_BYTES // 1_048_576,
            "markdown_files": settings.IMPORT_MAX_MARKDOWN_FILES,
            "file_mb": MAX_FILE_BYTES // 1_048_576,
            "zip_files": f"{settings.IMPORT_MAX_FILES:,}",
            "unpacked_mb": settings.IMPORT_MAX_UNPACKED_BYTES // 1_048_576,
        },
    }
    return TemplateResponse(request, "admin/imports/upload.html", context, status=status)


def _run_or_404(object_id) -> ImportRun:
    if not str(object_id).isdigit():
        raise Http404
    run = get_object_or_404(ImportRun.objects.select_related("uploaded_by"), pk=int(object_id))
    if not run.finished and run.updated_at < services.stale_before() and services.retire_stale():
        run.refresh_from_db()
    return run


@require_safe
def run_detail(request, object_id, *, site):
    """While importing: how far it has gone (the page follows it). Then: each file's outcome, filterable."""
    if not may_view(request.user):
        raise PermissionDenied
    run = _run_or_404(object_id)
    shown = request.GET.get("outcome", "")
    if shown not in ImportOutcome.Outcome.values:
        shown = ""
    outcomes = run.outcomes.all()
    if shown:
        outcomes = outcomes.filter(outcome=shown)
    counts = run.counts() if run.finished else {}
    context = {
        **site.each_context(request),
        "title": f"Import of {run.file_name}",
        "opts": ImportRun._meta,
        "run": run,
        "counts": [(value, label, counts.get(value, 0)) for value, label in ImportOutcome.Outcome.choices],
        "outcomes": outcomes if run.finished else [],
        "shown": shown,
        "shown_label": dict(ImportOutcome.Outcome.choices).get(shown, ""),
        "may_import": may_import(request.user),
    }
    return TemplateResponse(request, "admin/imports/run.html", context)


@require_safe
def progress(request, object_id):
    """How far the run has gone, for the page's script; ``finished`` tells it to show the outcome table."""
    if not may_view(request.user):
        raise PermissionDenied
    run = _run_or_404(object_id)
    return JsonResponse(
        {
            "status": run.status,
            "finished": run.finished,
            "done": run.done,
            "total": run.total,
            "text": run.progress_text(),
        }
    )
