"""A Jekyll site's settings that decide its posts' URLs, dates and visibility, read from its ``_config.yml``.

Jekyll's own rules (4.3), kept here so that an imported post's old URL is the one Jekyll built:

- The configuration is ``<site>/_config.yml``, or the files given instead (``--config a.yml,b.yml``), merged in
  order, each later one winning key by key (nested mappings merged, as Jekyll's ``deep_merge_hashes`` does).
- ``permalink`` is a named style (``date``, ``pretty``, ``ordinal``, ``weekdate``, ``none``) or a template;
  ``collections.posts.permalink`` wins over it.
- ``defaults`` apply by ``scope.path`` (a prefix of the file's path in the site, or a glob) and ``scope.type``
  (posts and drafts are both ``posts``); the longer path wins, then the one naming a type; front matter wins
  over every default.
- ``timezone`` is the zone of dates written without one. Without it Jekyll used the building machine's zone;
  we take this site's ``TIME_ZONE``, and the import report says so.
- ``future``, ``show_drafts`` and ``unpublished`` decide which posts Jekyll published.
"""

import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import yaml
from django.conf import settings

CONFIG_MAX_BYTES = 1024 * 1024
DEFAULT_MARKDOWN_EXT = "markdown,mkdown,mkdn,mkd,md"

# Jekyll's named permalink styles (Jekyll::Configuration::STYLE_TO_PERMALINK).
PERMALINK_STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}


class SiteError(ValueError):
    """The site's configuration cannot be used; ``str(error)`` says why."""


@dataclass(frozen=True)
class Site:
    """What the importer needs to know of one Jekyll site. ``Site()`` is a site with Jekyll's defaults."""

    root: Path | None = None
    config_files: tuple[str, ...] = ()
    permalink: str = PERMALINK_STYLES["date"]
    permalink_setting: str = "date"
    timezone: str = ""
    baseurl: str = ""
    defaults: tuple = ()
    future: bool = False
    show_drafts: bool = False
    unpublished: bool = False
    markdown_ext: frozenset[str] = field(default_factory=lambda: _extensions(DEFAULT_MARKDOWN_EXT))

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone or settings.TIME_ZONE)

    def describe(self) -> str:
        """One line for the import report: the settings this site's posts were read with."""
        read = ", ".join(self.config_files) or "no _config.yml (Jekyll's defaults)"
        zone = self.timezone or f"{settings.TIME_ZONE} (none set: this site's TIME_ZONE)"
        parts = [
            f"permalink {self.permalink}" + (f" ({self.permalink_setting})" if self.permalink_setting else ""),
            f"timezone {zone}",
            f"baseurl {self.baseurl or '(none)'}",
            f"{len(self.defaults)} front matter default(s)",
            f"future {_yes(self.future)}, show_drafts {_yes(self.show_drafts)}, unpublished {_yes(self.unpublished)}",
        ]
        if self.timezone and zoneinfo.ZoneInfo(self.timezone).key != settings.TIME_ZONE:
            parts.append(
                f"dates are kept as Jekyll had them and shown in this site's TIME_ZONE ({settings.TIME_ZONE}): "
                f"set TIME_ZONE={self.timezone} to show the days the old site showed"
            )
        where = str(self.root) if self.root is not None else "files given one by one"
        return f"site {where}: read {read}; " + "; ".join(parts)

    def defaults_for(self, relative_path: str) -> dict:
        """The front matter defaults for a post at ``relative_path`` (Jekyll's FrontmatterDefaults#all)."""
        merged: dict = {}
        old_scope = None
        for scope, values in self.defaults:
            if not self._applies(scope, relative_path):
                continue
            if _has_precedence(old_scope, scope):
                merged = deep_merge(merged, values)
                old_scope = scope
            else:
                merged = deep_merge(values, merged)
        return merged

    def _applies(self, scope: dict, relative_path: str) -> bool:
        kind = scope.get("type")
        if kind is not None and str(kind) not in {"posts", "post"}:
            return False
        scope_path = scope.get("path")
        if not isinstance(scope_path, str) or not scope_path:
            return True
        scope_path = _sanitize_scope(scope_path)
        if "*" in scope_path:
            # Jekyll globs the file system and takes each match as a prefix of the post's path: the same as
            # the glob matching the post's path or one of its folders.
            parts = relative_path.split("/")
            return any(
                PurePosixPath("/".join(parts[:count])).full_match(scope_path) for count in range(1, len(parts) + 1)
            )
        return relative_path.startswith(scope_path)


def load(root: Path, config_files: list[Path] | None = None) -> Site:
    """The settings of the site at ``root``: from ``config_files`` if given, else its ``_config.yml``.

    Raises :class:`SiteError` when a configuration file cannot be read or is not a mapping.
    """
    files = list(config_files) if config_files else [root / "_config.yml"]
    config: dict = {}
    read: list[str] = []
    for path in files:
        if not config_files and not path.is_file():
            continue  # no _config.yml: Jekyll's defaults
        config = deep_merge(config, _read_config(path, root))
        read.append(str(path))
    return from_config(config, root=root, config_files=tuple(read))


def from_config(config: dict, *, root: Path | None = None, config_files: tuple[str, ...] = ()) -> Site:
    """A :class:`Site` from an already merged configuration mapping."""
    permalink_setting = config.get("permalink")
    if permalink_setting is None or permalink_setting is False:
        permalink_setting = "date"
    permalink_setting = str(permalink_setting)
    permalink = PERMALINK_STYLES.get(permalink_setting, permalink_setting)
    collections = config.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    if isinstance(posts, dict) and posts.get("permalink"):
        permalink_setting = f"collections.posts.permalink, over permalink: {permalink_setting}"
        permalink = str(posts["permalink"])
    timezone = config.get("timezone") or ""
    if timezone:
        try:
            zoneinfo.ZoneInfo(str(timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SiteError(f"timezone {timezone!r} is not a time zone name (like Europe/Paris)") from None
    return Site(
        root=root,
        config_files=config_files,
        permalink=permalink,
        permalink_setting=permalink_setting if permalink != permalink_setting else "",
        timezone=str(timezone),
        baseurl=_baseurl(config.get("baseurl")),
        defaults=tuple(_default_sets(config.get("defaults"))),
        future=config.get("future") is True,
        show_drafts=config.get("show_drafts") is True,
        unpublished=config.get("unpublished") is True,
        markdown_ext=_extensions(str(config.get("markdown_ext") or DEFAULT_MARKDOWN_EXT)),
    )


def deep_merge(target: dict, overwrite: dict) -> dict:
    """Jekyll's ``Utils.deep_merge_hashes``: mappings merged key by key, a ``nil`` never overwriting a value."""
    merged = dict(target)
    for key, value in overwrite.items():
        old = merged.get(key)
        if value is None and key in merged:
            continue
        merged[key] = deep_merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def _read_config(path: Path, root: Path) -> dict:
    try:
        if path.stat().st_size > CONFIG_MAX_BYTES:
            raise SiteError(f"{path}: larger than {CONFIG_MAX_BYTES:,} bytes; not a configuration file")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SiteError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SiteError(f"{path}: not UTF-8; save it as UTF-8") from None
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SiteError(f"{path}: invalid YAML{where}: {getattr(error, 'problem', None) or error}") from None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise SiteError(f"{path}: a configuration must be a mapping of keys to values")
    return config


def _default_sets(sets) -> list[tuple[dict, dict]]:
    if not isinstance(sets, list):
        return []
    valid = []
    for item in sets:
        if isinstance(item, dict) and isinstance(item.get("values"), dict):
            scope = item.get("scope") if isinstance(item.get("scope"), dict) else {}
            valid.append((scope, item["values"]))
    return valid


def _has_precedence(old_scope: dict | None, new_scope: dict) -> bool:
    """Jekyll's rule for two matching default sets: the longer path wins, then the one that names a type."""
    if old_scope is None:
        return True
    new_path, old_path = _sanitize_scope(new_scope.get("path")), _sanitize_scope(old_scope.get("path"))
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new_scope or "type" not in old_scope


def _sanitize_scope(path) -> str:
    if not isinstance(path, str) or not path:
        return ""
    return path[1:] if path.startswith("/") else path


def _baseurl(value) -> str:
    text = str(value or "").strip().strip("/")
    return f"/{text}" if text else ""


def _extensions(setting: str) -> frozenset[str]:
    return frozenset(f".{ext.strip().lower()}" for ext in setting.split(",") if ext.strip())


def _yes(value: bool) -> str:
    return "true" if value else "false"
