"""A post's URL on its Jekyll site, worked out as Jekyll 4.3 works it out.

Pure functions, no database. The rules, each from Jekyll's own code:

- A post's data is its front matter over the site's ``defaults`` for its path. Folders above ``_posts``
  (``win/_posts/…``) are categories, before those of the data; ``category:`` adds one.
- The URL is the data's ``permalink`` if any, else the site's template, with each ``:placeholder`` replaced
  (:func:`placeholders` has every one Jekyll documents for posts). ``:title`` is the ``slug:`` or file name
  slugified in Jekyll's "pretty" mode, case kept; ``:slug`` and ``:name`` in its default mode, lower case;
  ``:categories`` are lower-cased and joined with ``/``. ``:output_ext`` is ``.html`` for Markdown and HTML
  files, the file's own extension for any other (``.text``), or the permalink's extension.
- ``..`` becomes ``/``, ``./`` goes, repeated slashes are squeezed; the path a server answers at is that URL
  percent-decoded with ``.``/``..`` segments resolved (what :func:`served_path` returns).
"""

import datetime
import posixpath
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import unquote

from jekyll.site import Site

# Jekyll's Document::DATE_FILENAME_MATCHER and DATELESS_FILENAME_MATCHER, on the path inside the site.
DATED_PATH = re.compile(r"^(?>.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$")
DATELESS_PATH = re.compile(r"^(?:.+/)*(.*)(\.[^.]+)$")
_PLACEHOLDER = re.compile(r":([a-z_]+)")


class UnknownPlaceholder(ValueError):
    """The permalink names a placeholder Jekyll does not know (Jekyll stops the build)."""


def slugify(text: str, *, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` in its ``default`` and ``pretty`` modes."""
    kept = "._~!$&'()+,;=@" if mode == "pretty" else ""
    pieces: list[str] = []
    in_run = False
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "ML" or category == "Nd" or char in kept:
            pieces.append(char)
            in_run = False
        elif not in_run:
            pieces.append("-")
            in_run = True
    slug = "".join(pieces)
    # Ruby's ^-|-$: one hyphen off each end.
    slug = slug.removeprefix("-").removesuffix("-")
    return slug if cased else slug.lower()


def path_categories(relative_path: str, special_dir: str) -> list[str]:
    """Folders above ``_posts`` (or ``_drafts``) in the post's path: Jekyll's categories from the path."""
    if relative_path.startswith(special_dir):
        return []
    above = re.sub(re.escape(special_dir) + ".*", "", relative_path, count=1, flags=re.S)
    basename = posixpath.basename(relative_path)
    return [part for part in above.split("/") if part and part != special_dir and part != basename]


def merge_categories(current, incoming):
    """Jekyll's ``merge_categories!``: a string of categories is split on spaces and added to the list so far."""
    if incoming is None:
        return current
    if isinstance(incoming, str):
        incoming = incoming.split()
    if isinstance(current, list):
        return _union(current, incoming if isinstance(incoming, list) else [incoming])
    return incoming


def categories(data: dict, path_cats: list[str]) -> list[str]:
    """The post's categories as Jekyll's ``populate_categories`` leaves them (the data is defaults + front matter)."""
    listed = merge_categories(list(path_cats), data.get("categories"))
    value = data.get("category")
    if value is None:
        value = data.get("categories")
        value = value.split() if isinstance(value, str) else value
    if value is None:
        extra = []
    elif isinstance(value, list):
        extra = [item for item in _flatten(value) if item is not None]
    else:
        extra = [value]
    items = [*_ruby_array(listed), *extra]
    return _union([], [ruby_str(item) for item in _flatten(items)])


def url(
    *,
    site: Site,
    data: dict,
    path_cats: list[str],
    relative_path: str,
    date: datetime.datetime,
    ext: str,
) -> str:
    """The URL Jekyll gives the post, as Jekyll writes it (percent-encoded). ``date`` is aware."""
    permalink = data.get("permalink")
    permalink = ruby_str(permalink) if permalink not in (None, False, "") else ""
    output_ext = _output_ext(site, permalink, ext)
    values = placeholders(
        data=data,
        path_cats=path_cats,
        relative_path=relative_path,
        date=date.astimezone(site.zone),
        ext=ext,
        output_ext=output_ext,
    )
    return _sanitize(_generate(permalink or site.permalink, values))


def served_path(jekyll_url: str) -> str:
    """The decoded path a web server answers a Jekyll URL at: ``%xx`` decoded, ``.``/``..`` segments resolved."""
    decoded = unquote(jekyll_url, errors="replace")
    path = posixpath.normpath("/" + decoded)
    path = "/" + path.lstrip("/")
    return path + "/" if jekyll_url.endswith("/") and path != "/" else path


def placeholders(*, data, path_cats, relative_path, date, ext, output_ext) -> dict[str, Callable[[], str]]:
    """Every placeholder Jekyll documents for posts (its ``UrlDrop``), each worked out only if the URL uses it."""
    basename = posixpath.basename(relative_path)
    stem = basename[: -len(ext)] if ext and basename.endswith(ext) else basename

    def slug_text() -> str:
        # Jekyll fills a missing "slug" with the file name's (after the date, trailing dots dropped).
        value = data.get("slug")
        return ruby_str(value) if value not in (None, False) else file_slug(relative_path)[1]

    def cleaned_path() -> str:
        cleaned = relative_path[: len(relative_path) - len(ext)] if ext else relative_path
        return cleaned.replace("_posts", "", 1).rstrip(".")

    def joined(convert) -> Callable[[], str]:
        return lambda: "/".join(_union([], [convert(c) for c in categories(data, path_cats)]))

    def formatted(spec: str) -> Callable[[], str]:
        return lambda: format(date, spec)

    return {
        "collection": lambda: "posts",
        "name": lambda: slugify(stem),
        "title": lambda: slugify(slug_text(), mode="pretty", cased=True),
        "slug": lambda: slugify(slug_text()),
        "categories": joined(str.lower),
        "slugified_categories": joined(slugify),
        "path": cleaned_path,
        "output_ext": lambda: output_ext,
        **{
            name: formatted(spec)
            for name, spec in (
                ("year", "%Y"),
                ("month", "%m"),
                ("day", "%d"),
                ("hour", "%H"),
                ("minute", "%M"),
                ("second", "%S"),
                ("short_month", "%b"),
                ("long_month", "%B"),
                ("short_year", "%y"),
                ("short_day", "%a"),
                ("long_day", "%A"),
                ("y_day", "%j"),
            )
        },
        "i_day": lambda: str(date.day),
        "i_month": lambda: str(date.month),
        "w_year": lambda: str(date.isocalendar().year),
        "week": lambda: f"{date.isocalendar().week:02d}",
        "w_day": lambda: str(date.isoweekday()),
    }


def file_slug(relative_path: str) -> tuple[str, str, str]:
    """(date text or "", slug, extension) from the post's path, as Jekyll's ``populate_title`` reads it."""
    if dated := DATED_PATH.match(relative_path):
        date_text, slug, ext = dated.groups()
    elif dateless := DATELESS_PATH.match(relative_path):
        date_text, (slug, ext) = "", dateless.groups()
    else:
        date_text, slug, ext = "", posixpath.basename(relative_path), ""
    return date_text, slug.rstrip("."), ext


def ruby_str(value) -> str:
    """``value.to_s`` as Ruby writes it for the scalars YAML gives."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _output_ext(site: Site, permalink: str, ext: str) -> str:
    if permalink and not permalink.endswith("/"):
        permalink_ext = posixpath.splitext(permalink)[1]
        if permalink_ext:
            return permalink_ext
    return ".html" if ext.lower() in site.markdown_ext else ext


def _generate(template: str, values: dict[str, Callable[[], str]]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        # Jekyll allows a "_" after a placeholder (":month_:day"); its code ends up trying only the name without it.
        key = name[:-1] if name.endswith("_") else name
        if key not in values:
            raise UnknownPlaceholder(f"the permalink {template!r} has no placeholder ':{key}'")
        return _escape(values[key]()) + match.group(0)[len(key) + 1 :]

    return _PLACEHOLDER.sub(replace, template)


def _escape(value: str) -> str:
    # Jekyll percent-encodes values (a space becomes %20); the served path decodes them again, so only a
    # literal "%" needs keeping from being read as an escape.
    return value.replace("%", "%25")


def _sanitize(text: str) -> str:
    """Jekyll's ``URL#sanitize_url``."""
    result = ("/" + text).replace("..", "/").replace("./", "")
    return re.sub(r"/+", "/", result)


def _union(first: list, second: list) -> list:
    seen = []
    for item in [*first, *second]:
        if item not in seen:
            seen.append(item)
    return seen


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _ruby_array(value) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [[key, item] for key, item in value.items()]
    return [value]
