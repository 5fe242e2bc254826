"""``make screenshots``: every page type at 375 and 1280 px, light and dark, into ``screenshots/``.

Not a test of anything (its name keeps it out of the normal run); it reuses the e2e fixtures so the
pages show the same demo content the tests see. Run: ``python -m pytest e2e/screenshots.py``.
"""

import os
from pathlib import Path

import pytest

from e2e.browser import ROOT, SCHEMES, WIDTHS, log_in
from e2e.pages import PAGE_TYPES, prepare_member

pytestmark = pytest.mark.e2e

OUT = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "screenshots"))


def test_screenshots(new_context, demo_posts, member, live_server):
    prepare_member(member, demo_posts)
    OUT.mkdir(parents=True, exist_ok=True)
    written = 0
    for scheme in SCHEMES:
        for width in WIDTHS.values():
            for logged_in in (False, True):
                context = new_context(width=width, color_scheme=scheme)
                if logged_in:
                    log_in(context, member, live_server.url)
                page = context.new_page()
                for page_type in PAGE_TYPES:
                    if page_type.member != logged_in:
                        continue
                    page.goto(page_type.path)
                    page.screenshot(path=OUT / f"{page_type.name}-{width}-{scheme}.png", full_page=True)
                    written += 1
                context.close()
    print(f"{written} screenshots in {OUT}")  # noqa: T201 - the command's whole output
