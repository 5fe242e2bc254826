"""What the browser tests share besides fixtures: how Chromium is launched, axe-core, keyboard steps.

Kept out of ``conftest.py`` so that ``make screenshots`` and ``make lighthouse`` launch the same browser
the same way, and so tests import these by name.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Debian's Chromium, headless, with nothing phoning home (the machine has no network anyway).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe is answered at this same-origin path by a Playwright route, never by Django (see ``serve_axe``).
AXE_URL_PATH = "/__e2e__/axe.min.js"
WIDTHS = {"mobile": 375, "desktop": 1280}
SCHEMES = ("light", "dark")


def chromium_missing() -> str:
    """Why the browser cannot start, with the fix; empty when it can."""
    if Path(CHROMIUM_PATH).exists():
        return ""
    return (
        f"Chromium not found at {CHROMIUM_PATH}: the browser tests need Debian's chromium package. "
        "`make test` installs it (as root), or run `sudo apt-get install -y chromium`."
    )


def launch(playwright):
    """Debian's Chromium through Playwright; fails clearly when it is not installed."""
    if problem := chromium_missing():
        raise RuntimeError(problem)
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)


def serve_axe(route) -> None:
    """Playwright route handler that answers ``AXE_URL_PATH`` with the pinned axe-core file.

    Our CSP allows scripts from our own origin only, and ``add_script_tag(content=...)`` would be an
    inline script that the page rightly refuses. Answering a same-origin URL from inside the browser
    keeps the page's real CSP in force during the audit, and Django never serves the file.
    """
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run `npm ci` first.")
    route.fulfill(path=AXE_PATH, content_type="text/javascript; charset=utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core with its default rule set on the page as it is now; return the violations, trimmed."""
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run `npm ci` first.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL_PATH)
    results = page.evaluate("async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {
            "id": item["id"],
            "impact": item["impact"],
            "help": item["help"],
            "targets": [node["target"] for node in item["nodes"]][:5],
            "summary": item["nodes"][0].get("failureSummary", "") if item["nodes"] else "",
        }
        for item in results
    ]


def log_in(context, user, base_url: str) -> None:
    """Give a browser context a member's session without the login form (flows that test the form type)."""
    from django.conf import settings
    from django.test import Client

    from e2e.serial import one_at_a_time

    client = Client()
    with one_at_a_time():  # a login is several statements: none of a request's may come between them
        client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``: keyboard only, no clicks."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            return
    raise AssertionError(f"{selector!r} never received focus after {limit} presses of {key}")
