"""Reading one Jekyll post file: bytes in, a :class:`ParsedPost` out (or a :class:`JekyllError` with a reason).

A pure module: no database, no file system. :func:`parse` follows Jekyll's own reading rules where they are
clear and states a choice where they are not:

- Text must be UTF-8 (a BOM is dropped, CRLF becomes LF). Any other encoding is *rejected* with the offset of
  the first bad byte: guessing Latin-1 would silently turn other encodings into mojibake.
- The front matter is the block between a first ``---`` line and the next ``---`` or ``...`` line. No front
  matter means the file is not a post.
- The date comes from the front matter, else from a ``YYYY-M-D-`` file name, else (drafts only) from the
  caller's fallback; a front-matter date that cannot be read falls back to the file-name date with a warning;
  an impossible date (``2019-02-30``) is rejected.
- The slug comes from ``slug:`` (as Jekyll lets it override), else the file name after the date, else the
  title, and is never empty.
- Common Liquid is converted (see :func:`convert_liquid`); the rest stays as text and becomes a warning.

The text and front matter are read in :mod:`jekyll.front_matter`, the dates in :mod:`jekyll.dates`.
"""

import datetime
import hashlib
import posixpath
import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from blog import markdown
from blog.models import Post
from blog.slugs import SLUG_MAX_LENGTH, make_slug
from jekyll import dates, liquid, permalinks
from jekyll.front_matter import JekyllError, decode, split_front_matter
from jekyll.site import Site, deep_merge

TITLE_MAX_LENGTH = Post._meta.get_field("title").max_length
LEGACY_URL_MAX_LENGTH = Post._meta.get_field("legacy_url").max_length
# PostgreSQL cannot index a value much over 2,700 bytes: a 1,000-character path of CJK text would not fit.
LEGACY_URL_MAX_BYTES = 2000
TAG_MAX_LENGTH = 100  # taggit's Tag.name
HTML_EXTENSIONS = {".html", ".htm"}
MARKDOWN_EXTENSIONS = {".md", ".markdown", ".mkdn", ".mkd", ".mdown", ".mdwn", ".text", ".txt", ""}


@dataclass(frozen=True)
class ParsedPost:
    """Everything a Post needs from one file, already normalised."""

    title: str
    slug: str
    body: str
    body_format: str
    published_at: datetime.datetime
    is_draft: bool
    tags: tuple[str, ...] = ()
    excerpt: str = ""
    description: str = ""
    legacy_url: str = ""
    # Every path the post had on the old site: its URL, and with the site's baseurl in front.
    old_urls: tuple[str, ...] = ()
    revised_at: datetime.datetime | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def status(self) -> str:
        return Post.Status.DRAFT if self.is_draft else Post.Status.PUBLISHED


_DATED_NAME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:-(.*))?")
_VALID_SLUG = re.compile(r"[-\w]+")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def parse(
    data: bytes,
    *,
    name: str,
    in_drafts: bool = False,
    fallback_date=None,
    site: Site | None = None,
    relative_path: str | None = None,
) -> ParsedPost:
    """Read one Jekyll file.

    ``name`` is the file's path as the reader should see it (in messages); ``relative_path`` its path inside
    the Jekyll ``site`` (for the file-name date and slug, folder categories and front matter defaults; the
    file name alone by default); ``in_drafts`` marks files from a ``_drafts/`` folder; ``fallback_date`` dates
    an undated draft (Jekyll uses the file's modification time). Raises :class:`JekyllError` on failure.
    """
    site = site or Site()
    relative_path = relative_path or posixpath.basename(name.replace("\\", "/"))
    text = decode(data)
    front_matter, body = split_front_matter(text)
    meta = _with_defaults(site.defaults_for(relative_path), front_matter)
    warnings: list[str] = []
    base = posixpath.basename(relative_path)
    stem, ext = posixpath.splitext(base)
    name_date, name_slug, jekyll_ext = permalinks.file_slug(relative_path)
    ext = ext.lower()
    dated = _DATED_NAME.fullmatch(stem)

    title = _title(meta.get("title"), stem, dated, warnings)
    published_at = dates.published_at(meta.get("date"), name_date, in_drafts, fallback_date, site, warnings)
    fm_slug = _scalar_text(meta.get("slug"))
    slug = _slug(fm_slug, name_slug if name_date else "", title, stem, warnings)

    is_html = ext in HTML_EXTENSIONS
    if not is_html and ext not in MARKDOWN_EXTENSIONS:
        warnings.append(f"{name}: '{ext}' is not a Markdown extension; read as Markdown")
    body = convert_liquid(body.lstrip("\n").rstrip(), name=name, is_html=is_html, warnings=warnings)

    # What Jekyll published: _drafts only with show_drafts, "published: false" only with unpublished, never a
    # .yml file (read as data, with no page).
    was_public = (not in_drafts or site.show_drafts) and (site.unpublished or not _unpublished(meta))
    if ext in {".yml", ".yaml"}:
        was_public = False
        warnings.append(f"{name}: Jekyll reads a .yml file as data and never published it; imported as a draft")
    is_draft = not was_public
    if was_public and site.future and published_at > timezone.now():
        warnings.append(f"{name}: dated in the future, which Jekyll published (future: true); here it shows from then")
    excerpt = _plain(meta.get("excerpt"))
    if not excerpt and (separator := _scalar_text(meta.get("excerpt_separator"))) and separator in body:
        excerpt = _excerpt_before(body.split(separator, 1)[0], is_html)
    categories = _tag_values(meta, "category", "categories")
    legacy_url = ""
    # A file not named like a Jekyll post (YYYY-MM-DD-title.md) had no URL there unless its permalink gave one.
    if was_public and (name_date or in_drafts or meta.get("permalink")):
        folders = permalinks.path_categories(relative_path, "_drafts" if in_drafts else "_posts")
        legacy_url = _legacy_url(site, meta, folders, relative_path, published_at, jekyll_ext, name, warnings)
    old_urls = (legacy_url, site.baseurl + legacy_url) if legacy_url and site.baseurl else (legacy_url,)
    return ParsedPost(
        title=title,
        slug=slug,
        body=body,
        body_format=Post.Format.HTML if is_html else Post.Format.MARKDOWN,
        published_at=published_at,
        is_draft=is_draft,
        tags=tuple(clean_tags([*_tag_values(meta, "tag", "tags"), *categories], warnings)),
        excerpt=excerpt,
        description=_plain(meta.get("description")),
        legacy_url=legacy_url,
        old_urls=old_urls if legacy_url else (),
        revised_at=dates.revised_at(meta, site.zone, warnings),
        warnings=tuple(warnings),
    )


def clean_tags(values, warnings: list[str]) -> list[str]:
    """Trimmed tag names, first spelling kept among case-insensitive duplicates, unsluggable ones dropped."""
    seen: set[str] = set()
    tags = []
    for value in values:
        name = " ".join(value.split())[:TAG_MAX_LENGTH].strip()
        if not name or name.casefold() in seen:
            continue
        if not make_slug(name):
            warnings.append(f"tag {name!r} dropped: it gives no usable URL")
            continue
        seen.add(name.casefold())
        tags.append(name)
    return tags


def convert_liquid(body: str, *, name: str, is_html: bool = False, warnings: list[str] | None = None) -> str:
    """Convert the Liquid that has a static meaning (see :func:`jekyll.liquid.convert`), post links included."""
    return liquid.convert(body, name=name, is_html=is_html, warnings=warnings, post_link=_post_link)


def post_path_for_name(name: str) -> str | None:
    """The URL of the post imported from a Jekyll file name (``2010-07-21-slug`` with or without folders)."""
    stem = posixpath.basename(name.strip("/"))
    stem, ext = posixpath.splitext(stem)
    if ext and ext.lower() not in HTML_EXTENSIONS | MARKDOWN_EXTENSIONS:
        stem += ext  # a dot inside the name, not an extension
    dated = _DATED_NAME.fullmatch(stem)
    slug = _clean_slug(dated.group(4) or "") if dated else ""
    return reverse("blog:post-detail", kwargs={"slug": slug}) if slug else None


# -- fields ---------------------------------------------------------------------------------------------------


def _title(value, stem: str, dated, warnings: list[str]) -> str:
    title = _plain(value)
    if not title:
        words = (dated.group(4) or "") if dated else stem
        title = " ".join(word[:1].upper() + word[1:] for word in re.split(r"[-_\s]+", words) if word)
        warnings.append(f"no title in front matter; using {title!r} from the file name")
    if not title:
        raise JekyllError("no title in front matter and none can be made from the file name")
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rsplit(" ", 1)[0].rstrip() + "…"
        warnings.append(f"title cut to {TITLE_MAX_LENGTH} characters")
    return title


def _clean_slug(text: str) -> str:
    """A slug kept as written when it already is one (Jekyll URLs keep case), else made with make_slug."""
    text = text.strip()
    if _VALID_SLUG.fullmatch(text) and len(text) <= SLUG_MAX_LENGTH and text.strip("-_") == text:
        return text
    return make_slug(text)


def _slug(fm_slug: str, name_slug: str, title: str, stem: str, warnings: list[str]) -> str:
    if fm_slug and not _clean_slug(fm_slug):
        warnings.append(f"slug {fm_slug!r} gives no usable URL; ignored")
    for candidate in (fm_slug, name_slug):
        if slug := _clean_slug(candidate):
            return slug
    if slug := make_slug(title) or _clean_slug(stem):
        return slug
    return "post-" + hashlib.sha1(stem.encode(), usedforsecurity=False).hexdigest()[:10]


def _tag_values(meta: dict, singular: str, plural: str) -> list[str]:
    """Jekyll's rule: the singular key as one value, else the plural as a list or space-separated string."""
    value = meta.get(singular)
    if value is None:
        value = meta.get(plural)
        if isinstance(value, str):
            return value.split()
    items = value if isinstance(value, list) else [value]
    flat = []
    for item in items:
        flat.extend(item if isinstance(item, list) else [item])
    return [text for item in flat if (text := _scalar_text(item))]


def _scalar_text(value) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _plain(value) -> str:
    """A front-matter string as plain text: HTML tags and entities (seen in titles and excerpts) resolved."""
    text = " ".join(_scalar_text(value).split())
    if _LOOKS_LIKE_HTML.search(text):
        text = " ".join(markdown.html_to_text(markdown.sanitise(text)).split())
    return text


def _excerpt_before(fragment: str, is_html: bool) -> str:
    text = " ".join(markdown.html_to_text(markdown.render(fragment, is_html=is_html)).split())
    if len(text) > 400:
        text = text[:400].rsplit(" ", 1)[0] + "…"
    return text


def _legacy_url(site, meta, folders, relative_path, published_at, ext, name, warnings) -> str:
    """The path Jekyll served the post at (decoded), or "" with a warning when there is none to keep."""
    try:
        jekyll_url = permalinks.url(
            site=site, data=meta, path_cats=folders, relative_path=relative_path, date=published_at, ext=ext
        )
    except permalinks.UnknownPlaceholder as error:
        warnings.append(f"{name}: no old URL kept: {error}")
        return ""
    url = permalinks.served_path(jekyll_url)
    if len(site.baseurl + url) > LEGACY_URL_MAX_LENGTH or len((site.baseurl + url).encode()) > LEGACY_URL_MAX_BYTES:
        warnings.append(f"{name}: old URL longer than {LEGACY_URL_MAX_LENGTH} characters; not kept")
        return ""
    return url


def _with_defaults(defaults: dict, front_matter: dict) -> dict:
    """Front matter over the site's defaults for the file, categories added together as Jekyll adds them."""
    if not defaults:
        return front_matter
    merged = deep_merge(defaults, front_matter)
    if "categories" in defaults and front_matter.get("categories") is not None:
        merged["categories"] = permalinks.merge_categories(
            permalinks.merge_categories([], defaults["categories"]), front_matter["categories"]
        )
    return merged


def _unpublished(meta: dict) -> bool:
    """Jekyll's rule: "published" present and false (or empty, which Ruby also takes as false)."""
    return "published" in meta and (meta["published"] is False or meta["published"] is None)


def _post_link(target: str, *, needs_posts_dir: bool = False) -> str | None:
    if needs_posts_dir and "_posts/" not in target:
        return None
    return post_path_for_name(target)
