"""A post's revisions in the admin: the list, a comparison with the current text, and restoring one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from blog.desk import revisions
from blog.models import Post, Revision


def _post(request, pk, perm="blog.view_post") -> Post:
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return get_object_or_404(Post, pk=pk)


def _context(request, post, **extra):
    from django.contrib import admin

    return {
        **admin.site.each_context(request),
        "post": post,
        "opts": Post._meta,
        "title": f"Revisions of “{post.title}”",
        **extra,
    }


def history(request, pk):
    post = _post(request, pk)
    kept = post.revisions.select_related("author").only("pk", "kind", "created_at", "title", "author__email", "post_id")
    context = _context(request, post, revisions=kept)
    return TemplateResponse(request, "admin/blog/post/revisions.html", context)


def compare(request, pk, rid):
    post = _post(request, pk)
    revision = get_object_or_404(Revision, pk=rid, post=post)
    context = _context(
        request,
        post,
        revision=revision,
        title_changed=revision.title != post.title,
        lines=revisions.compare(post.body, revision.body),
        title=f"Compare with {revision}",
    )
    return TemplateResponse(request, "admin/blog/post/revision_compare.html", context)


@require_POST
def restore(request, pk, rid):
    post = _post(request, pk, "blog.change_post")
    revision = get_object_or_404(Revision, pk=rid, post=post)
    revisions.restore(post=post, revision=revision, author=request.user)
    messages.success(request, f"Restored the text of {revision}; the text it replaced is kept as a revision.")
    return HttpResponseRedirect(reverse("admin:blog_post_change", args=[post.pk]))
