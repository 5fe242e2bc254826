"""Building sites with the real Jekyll (Debian's ``jekyll`` package) to check the importer's old URLs against.

Each post's body carries a marker (``QQMARK7QQ``); after ``jekyll build`` the file holding the marker is where
Jekyll wrote that post, and so the path a web server answered for it.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

JEKYLL = shutil.which("jekyll")
SKIP_REASON = "the jekyll binary is missing (apt-get install jekyll; make test installs it)"
MARKER = "QQMARK{}QQ"


def write_site(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (path in the site -> text) under ``root``."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def post(front: str, number: int) -> str:
    """A post's text: the front matter given, and a body holding its marker."""
    return f"---\n{front}---\n\n{MARKER.format(number)}\n"


def build(source: Path) -> dict[int, str]:
    """Build the site with Jekyll: each marker's number -> the path (from ``/``) of the file it was written to.

    A site with no ``timezone:`` is built in this site's ``TIME_ZONE``, the zone the importer assumes for it.
    """
    destination = source.parent / f"{source.name}-built"
    environment = {**os.environ, "TZ": settings.TIME_ZONE, "JEKYLL_ENV": "production", "LANG": "C.UTF-8"}
    subprocess.run(
        [JEKYLL, "build", "--quiet", "--source", str(source), "--destination", str(destination)],
        check=True,
        env=environment,
        capture_output=True,
        timeout=300,
    )
    written: dict[int, str] = {}
    for path in destination.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        start = text.find("QQMARK")
        if start >= 0:
            number = int(text[start + 6 : text.index("QQ", start + 6)])
            written[number] = "/" + path.relative_to(destination).as_posix()
    return written


def serves(url: str, written: str) -> bool:
    """Whether a web server asked for ``url`` answers with the file Jekyll wrote at ``written``: the same path,
    the directory's ``index.html``, or the file with its extension (Jekyll writes ``/a/b`` as ``/a/b.html``)."""
    if url.endswith("/"):
        return written == url + "index.html"
    return written == url or written.startswith(url + ".") and "/" not in written[len(url) :]


def read_urls(source: Path) -> dict[str, str]:
    """Each post of the site at ``source`` (its path in the site) -> the URL Jekyll gives it, read by Jekyll
    itself without rendering (``site_urls.rb``)."""
    script = Path(__file__).with_name("site_urls.rb")
    environment = {**os.environ, "TZ": settings.TIME_ZONE, "LANG": "C.UTF-8"}
    ruby = shutil.which("ruby") or "ruby"
    done = subprocess.run(
        [ruby, str(script), str(source)], check=True, env=environment, capture_output=True, timeout=300, text=True
    )
    return {item["path"]: item["url"] for item in json.loads(done.stdout)}
