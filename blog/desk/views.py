"""Staff endpoints behind the editor: preview, pictures, autosave, tag suggestions.

Every one is mounted inside the admin site (``admin_view``: staff only, never cached) and checks the
model permission it acts under. Writes are POST with Django's CSRF check; each is rate-limited per
person and size-capped, and refuses bad input with a 4xx and a sentence, never a 500.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models.functions import Lower
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_POST
from taggit.models import Tag

from blog import images
from blog.desk import checks, revisions
from blog.desk.limits import allow
from blog.image_html import present_images
from blog.images import public_url
from blog.markdown import render_post
from blog.models import Image, Post, Revision

# A long essay is 20-40 KB of Markdown; the longest imported one is under 200 KB.
MAX_BODY_CHARS = 500_000
MAX_TITLE_CHARS = 500
PREVIEWS_PER_MINUTE = 120
AUTOSAVES_PER_MINUTE = 30
UPLOADS_PER_MINUTE = 20


def _too_many() -> HttpResponse:
    return JsonResponse({"error": "Too many requests in a minute; wait a moment."}, status=429)


def _text(request, name: str, cap: int) -> str | None:
    value = request.POST.get(name, "")
    return None if len(value) > cap else value


def _may_write(request) -> bool:
    return request.user.has_perm("blog.change_post") or request.user.has_perm("blog.add_post")


def _refused_preview(request):
    """Why this request may not have a preview (the response to send), or None: writers only, rate-limited."""
    if not _may_write(request):
        return HttpResponseForbidden("You may not write posts.")
    if not allow(user=request.user, action="preview", limit=PREVIEWS_PER_MINUTE):
        return _too_many()
    return None


@require_POST
def preview(request):
    """The body rendered exactly as the page will show it, with counts and gentle warnings (JSON)."""
    if (refusal := _refused_preview(request)) is not None:
        return refusal
    body = _text(request, "body", MAX_BODY_CHARS)
    if body is None:
        return JsonResponse({"error": f"The text is over {MAX_BODY_CHARS:,} characters."}, status=413)
    rendered = render_post(body, is_html=request.POST.get("body_format") == Post.Format.HTML)
    fragment = present_images(rendered.html)
    return JsonResponse(
        {
            "html": fragment,
            "words": len(rendered.text.split()),
            "minutes": rendered.reading_minutes,
            "warnings": checks.warnings_for(body, fragment),
        }
    )


@require_POST
def page_preview(request):
    """The whole page as readers will see it, from the editor's text (saved or not): never cached or indexed."""
    if (refusal := _refused_preview(request)) is not None:
        return refusal
    body = _text(request, "body", MAX_BODY_CHARS)
    title = _text(request, "title", MAX_TITLE_CHARS)
    if body is None or title is None:
        return HttpResponseBadRequest("The title or the text is too long to preview.")
    post = Post(title=title or "Untitled", body=body, excerpt=request.POST.get("excerpt", "")[:5000])
    post.body_format = Post.Format.HTML if request.POST.get("body_format") == Post.Format.HTML else Post.Format.MARKDOWN
    post.render()
    back = request.POST.get("back", "")
    context = {"post": post, "back_url": back if back.startswith("/") and not back.startswith("//") else ""}
    response = render(request, "admin/blog/post/page_preview.html", context)
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def image_upload(request):
    """Store one picture (checked by decoding it) and answer the Markdown that shows it."""
    if not request.user.has_perm("blog.add_image"):
        return HttpResponseForbidden("You may not add pictures.")
    if not allow(user=request.user, action="upload", limit=UPLOADS_PER_MINUTE):
        return _too_many()
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "No file was sent."}, status=400)
    if upload.size > images.MAX_BYTES:
        return JsonResponse(
            {"error": f"The file is {upload.size / 1_048_576:.1f} MB; images may be up to 20 MB."}, status=400
        )
    alt = request.POST.get("alt", "")[:500]
    try:
        image = images.store_image(data=upload.read(), alt_text=alt, source_path=upload.name[:1000])
    except images.ImageRejected as error:
        return JsonResponse({"error": f"This file cannot be used: {error}."}, status=400)
    return JsonResponse(_image_json(image), status=201)


def _image_json(image: Image) -> dict:
    thumb = image.rendition_name(image.widths[0]) if image.widths else image.name
    return {"path": image.path, "alt": image.alt_text, "thumbnail": public_url(thumb), "width": image.width}


@require_GET
def image_list(request):
    """The most recent stored pictures, for the editor's picker."""
    if not request.user.has_perm("blog.view_image"):
        return HttpResponseForbidden("You may not see pictures.")
    query = request.GET.get("q", "")[:100]
    found = Image.objects.all()
    if query:
        found = found.filter(alt_text__icontains=query)
    return JsonResponse({"images": [_image_json(image) for image in found[:40]]})


@require_POST
def autosave(request, pk):
    """Keep the editor's text as an autosaved revision (sent every few seconds and on leaving the page)."""
    post = get_object_or_404(Post.objects.only("pk", "title", "body"), pk=pk)
    if not request.user.has_perm("blog.change_post"):
        return HttpResponseForbidden("You may not change posts.")
    if not allow(user=request.user, action="autosave", limit=AUTOSAVES_PER_MINUTE):
        return _too_many()
    body = _text(request, "body", MAX_BODY_CHARS)
    title = _text(request, "title", MAX_TITLE_CHARS)
    if body is None or title is None:
        return JsonResponse({"error": "The text is too long to keep."}, status=413)
    revision = revisions.autosave(post=post, title=title, body=body, author=request.user)
    return JsonResponse({"saved": revision is not None, "at": revision.created_at.isoformat() if revision else None})


@require_POST
def autosave_new(request):
    """The first autosave of a post never saved: it becomes a draft, and the editor carries on in it."""
    if not request.user.has_perm("blog.add_post"):
        return HttpResponseForbidden("You may not add posts.")
    if not allow(user=request.user, action="autosave", limit=AUTOSAVES_PER_MINUTE):
        return _too_many()
    body = _text(request, "body", MAX_BODY_CHARS)
    title = _text(request, "title", MAX_TITLE_CHARS)
    if body is None or title is None:
        return JsonResponse({"error": "The text is too long to keep."}, status=413)
    if not body.strip() and not title.strip():
        return JsonResponse({"saved": False, "at": None})
    post = revisions.start_draft(title=title, body=body, author=request.user)
    return JsonResponse(
        {
            "saved": True,
            "at": post.created_at.isoformat(),
            "autosave_url": reverse("admin:desk-autosave", args=[post.pk]),
            "change_url": reverse("admin:blog_post_change", args=[post.pk]),
        },
        status=201,
    )


@require_GET
def tag_suggest(request):
    """Existing tags that start with (then contain) what was typed, case-insensitively (JSON)."""
    if not request.user.has_perm("blog.change_post") and not request.user.has_perm("blog.add_post"):
        return HttpResponseForbidden("You may not tag posts.")
    typed = " ".join(request.GET.get("q", "").split())[:100]
    if not typed:
        return JsonResponse({"tags": []})
    tags = Tag.objects.filter(name__icontains=typed).order_by(Lower("name")).values_list("name", flat=True)[:50]
    folded = typed.casefold()
    names = sorted(tags, key=lambda name: (not name.casefold().startswith(folded), name.casefold()))
    return JsonResponse({"tags": names[:10]})


__all__ = ["Revision", "staff_member_required"]
