"""The pictures a Jekyll post shows, brought along: each local image it references is stored once in media
storage (``blog.images``) and the post's text is made to point at it.

References are found where Markdown and HTML put them: ``![alt](url)``, reference-style ``![alt][id]`` with
its ``[id]: url`` line, and ``<img src="url">``. A URL may be site-absolute (``/images/x.png``, with or
without the site's baseurl), relative (to the post's file, or to its old URL as a browser would read it) and
URL-encoded. A file is only ever read from inside the site's folder (no link out of it, no ``..`` past it),
and only up to the size a picture may have.

What cannot be brought is left as written and named in the file's outcome: a picture missing from the
folder (the page shows its alt text instead), one hosted elsewhere (the page links to it), one refused.
"""

import posixpath
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from blog import images
from blog.models import Image

_INLINE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\(\s*(?P<url><[^>\n]*>|[^\s)]+)")
_REFERENCE_USE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\[(?P<id>[^\]\n]*)\]")
_DEFINITION = re.compile(r"^(?P<lead> {0,3}\[(?P<id>[^\]\n]+)\]:[ \t]*)(?P<url><[^>\n]*>|\S+)", re.M)
_HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?P<q>[\"'])(?P<url>.*?)(?P=q)", re.I | re.S)
_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


class Pictures:
    """Brings one post's pictures: ``localise(body)`` returns the body pointing at stored pictures."""

    def __init__(self, *, file: Path, site_root: Path | None, baseurl: str, post_url: str, store: bool):
        self.file = file
        self.root = (site_root or file.parent).resolve()
        self.baseurl = baseurl.rstrip("/")
        self.post_url = post_url
        self.store = store
        self.warnings: list[str] = []

    def localise(self, body: str) -> str:
        body = _INLINE.sub(lambda m: self._replace(m, "url"), body)
        wanted = {(m["id"] or m["alt"]).strip().lower() for m in _REFERENCE_USE.finditer(body)}
        if wanted:
            body = _DEFINITION.sub(
                lambda m: self._replace(m, "url") if m["id"].strip().lower() in wanted else m[0], body
            )
        return _HTML_IMG.sub(lambda m: self._replace(m, "url"), body)

    def _replace(self, match: re.Match, group: str) -> str:
        written = match[group]
        bracketed = written.startswith("<") and written.endswith(">")
        stored = self._bring(written[1:-1] if bracketed else written)
        if stored is None:
            return match[0]
        stored = f"<{stored}>" if bracketed else stored
        start, end = match.span(group)
        whole_start = match.start()
        return match[0][: start - whole_start] + stored + match[0][end - whole_start :]

    def _bring(self, url: str) -> str | None:
        """The stored picture's path for ``url``, or None (with a warning) when it stays as written."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") or url.startswith("//"):
            self.warnings.append(f"picture hosted elsewhere, linked rather than shown: {url}")
            return None
        if parts.scheme or not parts.path or url.startswith(settings.MEDIA_URL):
            return None  # data:, mailto: …, or a picture already brought
        path = self._find(unquote(parts.path))
        if path is None:
            self.warnings.append(f"picture not found in the folder: {url}")
            return None
        try:
            if path.stat().st_size > images.MAX_BYTES:
                raise images.ImageRejected("larger than 20 MB")
            data = path.read_bytes()
            relative = str(path.relative_to(self.root))
            if self.store:
                name = images.store_image(data=data, source=Image.Source.IMPORT, source_path=relative).name
            else:
                name = images.stored_name(data)
        except images.ImageRejected as error:
            self.warnings.append(f"picture refused ({error}): {url}")
            return None
        except OSError as error:
            self.warnings.append(f"picture could not be read ({error.strerror or error}): {url}")
            return None
        return f"{settings.MEDIA_URL}{name}"

    def _find(self, path: str) -> Path | None:
        """The file ``path`` names inside the site's folder, trying where Jekyll and GitHub would look."""
        if Path(path).suffix.lower() not in _EXTENSIONS:
            return None
        if path.startswith("/"):
            if self.baseurl and path.startswith(self.baseurl + "/"):
                path = path[len(self.baseurl) :]
            candidates = [self.root / path.lstrip("/")]
        else:
            url_folder = posixpath.dirname(self.post_url or "/")
            candidates = [
                self.file.parent / path,
                self.root / posixpath.normpath(posixpath.join(url_folder, path)).lstrip("/"),
                self.root / path,
            ]
        for candidate in candidates:
            try:
                resolved = candidate.resolve()
            except (OSError, RuntimeError):
                continue
            if resolved.is_relative_to(self.root) and resolved.is_file():
                return resolved
        return None


def localise(parsed, *, file: Path, site, root: Path | None = None, store: bool):
    """``parsed`` with its body pointing at stored pictures, and a warning for each one left as written.

    Pictures are looked for inside the Jekyll site's folder, or else inside the folder being imported."""
    if "![" not in parsed.body and "<img" not in parsed.body.lower():
        return parsed
    pictures = Pictures(
        file=file,
        site_root=getattr(site, "root", None) or root,
        baseurl=getattr(site, "baseurl", ""),
        post_url=parsed.legacy_url,
        store=store,
    )
    body = pictures.localise(parsed.body)
    if body == parsed.body and not pictures.warnings:
        return parsed
    return replace(parsed, body=body, warnings=(*parsed.warnings, *pictures.warnings))
