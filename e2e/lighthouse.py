"""``make lighthouse``: Lighthouse 12.2.3 (npm, pinned) on the home page and an essay, mobile settings.

Serves the site the way production does (DEBUG off, gunicorn, collectstatic, whitenoise's compressed
files) from a throwaway SQLite database holding the demo essays in ``content/posts``, on a free port
on 127.0.0.1. Lighthouse drives Debian's Chromium (``CHROME_PATH``). Reports go to
``lighthouse-report/`` (git-ignored); the scores are printed as a Markdown table and written to
``lighthouse-report/scores.md``. Exits 1 when a score misses its target.

Run: ``python -m e2e.lighthouse`` (``make lighthouse`` installs what it needs first).
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from e2e.browser import CHROMIUM_ARGS, CHROMIUM_PATH, ROOT

REPORT_DIR = ROOT / "lighthouse-report"
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _site_env(var_dir: Path, base_url: str) -> dict:
    """Production-like settings: no debug, a throwaway key, our own database, cache and static root."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_CACHE_DIR", "DJANGO_HTTPS"}
    }
    env.update(
        DJANGO_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(32),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=base_url,
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _first_essay(base_url: str) -> str:
    with urllib.request.urlopen(base_url + "/", timeout=10) as response:
        html = response.read().decode()
    match = re.search(r'class="post-card-title"><a href="(?P<href>/[^"]+)"', html)
    if not match:
        raise RuntimeError("the home page lists no essay: is content/posts empty?")
    return base_url + match["href"]


def _lighthouse(name: str, url: str) -> dict[str, int]:
    """Run Lighthouse once (mobile is its default form factor); return the category scores out of 100."""
    output = REPORT_DIR / name
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM_PATH}
    # One retry: a headless Chromium now and then fails to start or connect; that says nothing of the page.
    if subprocess.run(command, cwd=ROOT, env=env, check=False).returncode != 0:
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    report = json.loads(Path(f"{output}.report.json").read_text(encoding="utf-8"))
    return {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}


def _table(results: dict[str, tuple[str, dict[str, int]]]) -> str:
    lines = [
        "| page | performance | accessibility | best practices | SEO |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (url, scores) in results.items():
        cells = " | ".join(str(scores[key]) for key in CATEGORIES)
        lines.append(f"| {name} (`{urlsplit(url).path}`) | {cells} |")
    targets = " | ".join(f"≥ {value}" if value < 100 else "100" for value in CATEGORIES.values())
    lines.append(f"| target | {targets} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("node_modules/.bin/lighthouse is missing: run `npm ci` first.", file=sys.stderr)  # noqa: T201
        return 2
    REPORT_DIR.mkdir(exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="lighthouse-site-"))
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _site_env(var_dir, base_url)
    server = None
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "import_jekyll", "content/posts")
        _manage(env, "collectstatic", "--noinput")
        log = (REPORT_DIR / "server.log").open("w")
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", f"--bind=127.0.0.1:{port}", "--workers=2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_until_up(base_url + "/healthz", server)
        pages = {"home": base_url + "/", "essay": _first_essay(base_url)}
        results = {name: (url, _lighthouse(name, url)) for name, url in pages.items()}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(var_dir, ignore_errors=True)
    table = _table(results)
    (REPORT_DIR / "scores.md").write_text(table, encoding="utf-8")
    print(table)  # noqa: T201 - the command's report
    missed = [
        f"{name} {key} {scores[key]} < {target}"
        for name, (_, scores) in results.items()
        for key, target in CATEGORIES.items()
        if scores[key] < target
    ]
    if missed:
        print("Below target: " + "; ".join(missed), file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
