"""Write posts back out as Jekyll files: the inverse of :mod:`jekyll.parse`.

Importing an export into an empty database gives the same posts, tags and dates: the file name carries the
date and slug, the front matter carries the rest (dates with their offset and any fraction of a second, drafts
as ``published: false``, the old URL as ``permalink``), and a body that contains Liquid-looking text is wrapped
in ``{% raw %}`` so that the importer keeps it literally.
"""

import hashlib
import re
import zoneinfo
from pathlib import Path

import yaml
from django.conf import settings
from django.core.files.storage import default_storage

from blog.models import Image, Post

# Most file systems cap a name at 255 bytes; leave room for the date and extension.
_NAME_MAX_BYTES = 200
_ENDRAW = re.compile(r"{%-?\s*endraw\s*-?%}")
PICTURES_FOLDER = "assets/images"
_MEDIA_PICTURE = re.compile(
    re.escape(settings.MEDIA_URL) + r"(?P<name>images/[0-9a-f]{2}/[0-9a-f]{24}\.(?:jpg|png|gif|webp))"
)


def export_posts(outdir, posts=None) -> list[Path]:
    """Write every post (or the given ones) into ``outdir`` as ``YYYY-MM-DD-slug.md|.html``; returns the paths.

    The pictures the posts show are written beside them under ``assets/images/``, and the posts' text points
    there, so importing the folder again brings the same pictures back.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    if posts is None:
        posts = Post.objects.order_by("published_at", "id")
    written = []
    pictures: set[str] = set()
    for post in posts.prefetch_related("tagged_items__tag") if hasattr(posts, "prefetch_related") else posts:
        path = outdir / file_name(post)
        body = _MEDIA_PICTURE.sub(lambda match: _exported_picture(match, pictures), post.body)
        path.write_text(post_to_jekyll(post, body=body), encoding="utf-8")
        written.append(path)
    _write_pictures(outdir / PICTURES_FOLDER, pictures)
    return written


def _exported_picture(match: re.Match, pictures: set[str]) -> str:
    pictures.add(match["name"])
    return f"/{PICTURES_FOLDER}/{match['name'].rsplit('/', 1)[-1]}"


def _write_pictures(folder: Path, names: set[str]) -> None:
    """Each stored picture a post shows, copied out of media storage (the full-size copy)."""
    known = set(Image.objects.filter(name__in=names).values_list("name", flat=True))
    for name in sorted(known):
        folder.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as stored:
            (folder / name.rsplit("/", 1)[-1]).write_bytes(stored.read())


def file_name(post: Post) -> str:
    """``YYYY-MM-DD-slug.ext`` in the site's time zone; a slug too long for a file name is shortened."""
    local = post.published_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    extension = "html" if post.body_format == Post.Format.HTML else "md"
    return f"{local:%Y-%m-%d}-{_name_slug(post.slug)}.{extension}"


def post_to_jekyll(post: Post, *, body: str | None = None) -> str:
    """The full text of a Jekyll file for ``post`` (with ``body`` in place of its own, when given)."""
    local = post.published_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    fraction = f".{local:%f}" if local.microsecond else ""
    meta = {
        "layout": "post",
        "title": post.title,
        "date": f"{local:%Y-%m-%d %H:%M:%S}{fraction} {local:%z}",
        "tags": _tag_names(post),
    }
    if _name_slug(post.slug) != post.slug:
        meta["slug"] = post.slug
    if post.excerpt:
        meta["excerpt"] = post.excerpt
    if post.description:
        meta["description"] = post.description
    if post.status == Post.Status.DRAFT:
        meta["published"] = False
    if post.legacy_url:
        meta["permalink"] = post.legacy_url
    if post.revised_at:
        revised = post.revised_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        meta["last_modified_at"] = f"{revised:%Y-%m-%d %H:%M:%S} {revised:%z}"
    front_matter = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1_000_000)
    return f"---\n{front_matter}---\n\n{protect_liquid(post.body if body is None else body)}\n"


def protect_liquid(body: str) -> str:
    """Wrap text that Liquid would read (``{{``/``{%``) in ``{% raw %}`` so it survives a Jekyll build or import.

    A literal ``{% endraw %}`` cannot sit inside a raw block, so the text is split there and each one's
    opening ``{%`` goes in a raw block of its own.
    """
    if "{{" not in body and "{%" not in body:
        return body
    pieces = []
    position = 0
    for match in _ENDRAW.finditer(body):
        pieces.append(_raw(body[position : match.start()]) + _raw("{%") + match.group(0)[2:])
        position = match.end()
    pieces.append(_raw(body[position:]))
    return "".join(pieces)


def _raw(text: str) -> str:
    return f"{{% raw %}}{text}{{% endraw %}}" if text else ""


def _tag_names(post: Post) -> list[str]:
    """Tag names in the order they were given (the through rows' order)."""
    return [item.tag.name for item in sorted(post.tagged_items.all(), key=lambda item: item.pk)]


def _name_slug(slug: str) -> str:
    if len(slug.encode()) <= _NAME_MAX_BYTES:
        return slug
    digest = hashlib.sha1(slug.encode(), usedforsecurity=False).hexdigest()[:8]
    short = slug.encode()[: _NAME_MAX_BYTES - 9].decode("utf-8", "ignore").rstrip("-")
    return f"{short}-{digest}"
