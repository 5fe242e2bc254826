"""Revisions: a post's text kept while it is written (autosave), on saving and on publishing.

The newest ``KEEP`` autosaved and saved revisions of a post are kept, and every published one.
"""

import difflib
from dataclasses import dataclass

from django.db import transaction

from blog.models import Post, Revision

KEEP = 50


def _prune(post: Post) -> None:
    Revision.objects.prunable(post, KEEP).delete()


def _latest(post: Post) -> Revision | None:
    return Revision.objects.filter(post=post).order_by("-created_at", "-id").first()


def autosave(*, post: Post, title: str, body: str, author=None) -> Revision | None:
    """Keep ``title`` and ``body`` as an autosave, unless they are what the newest revision holds already."""
    latest = _latest(post)
    if latest is not None and (latest.title, latest.body) == (title, body):
        return None
    if latest is None and (post.title, post.body) == (title, body):
        return None
    with transaction.atomic():
        revision = Revision.objects.create(
            post=post, title=title, body=body, kind=Revision.Kind.AUTOSAVE, author=author
        )
        _prune(post)
    return revision


def start_draft(*, title: str, body: str, author=None) -> Post:
    """A new draft from an editor's first autosave, so that a closed tab keeps even an unsaved post."""
    with transaction.atomic():
        post = Post(title=title.strip() or "Untitled draft", body=body, status=Post.Status.DRAFT)
        post.save()
        Revision.objects.create(post=post, title=post.title, body=body, kind=Revision.Kind.AUTOSAVE, author=author)
    return post


def record(*, post: Post, kind: str, author=None) -> Revision:
    """Keep the post's saved text as a revision of ``kind`` (manual or published)."""
    with transaction.atomic():
        revision = Revision.objects.create(post=post, title=post.title, body=post.body, kind=kind, author=author)
        _prune(post)
    return revision


def pending_autosave(post: Post) -> Revision | None:
    """An autosave newer than the post's last save whose text differs from it: what a closed tab left."""
    latest = _latest(post)
    if latest is None or latest.kind != Revision.Kind.AUTOSAVE or latest.created_at <= post.updated_at:
        return None
    if (latest.title, latest.body) == (post.title, post.body):
        return None
    return latest


def restore(*, post: Post, revision: Revision, author=None) -> Post:
    """Put ``revision``'s text back into the post, keeping the text it replaces as a revision first."""
    if revision.post_id != post.pk:
        raise ValueError("that revision belongs to another post")
    with transaction.atomic():
        record(post=post, kind=Revision.Kind.MANUAL, author=author)
        post.title, post.body = revision.title, revision.body
        post.save()
    return post


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap"
    text: str


def compare(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """Line by line from ``old`` to ``new``: changes with a few lines around them, gaps marked."""
    lines = []
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", text) for text in matcher.a[i1:i2]]
                continue
            lines += [DiffLine("removed", text) for text in matcher.a[i1:i2]]
            lines += [DiffLine("added", text) for text in matcher.b[j1:j2]]
    return lines
