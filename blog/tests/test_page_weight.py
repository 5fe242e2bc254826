"""Page weight: a post page's HTML, CSS and JS stay under 64 KB uncompressed, and no web font is loaded.

The budget was 60 KB until members could answer a piece (the responses form and its script) and essays
could hold pictures: about 13 KB over the wire, compressed.

Counts what the page itself links (stylesheets and scripts, read from the static finders), for a reader
and for a member (who also gets save.js). Images are excluded, as the issue says. The browser suite
measures the same thing over the wire (e2e/test_reader.py).
"""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024
_LINKED = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]*href|script[^>]+src)="(?P<url>[^"]+)"')
_FONT = re.compile(r"@font-face|\.woff2?\b|\.ttf\b|\.otf\b|fonts\.googleapis", re.I)


def _assets(html: str) -> dict[str, str]:
    """The stylesheets and scripts an HTML page links, by URL, with their text."""
    assets = {}
    for match in _LINKED.finditer(html):
        url = match["url"]
        assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL), url
        path = finders.find(url.split(settings.STATIC_URL, 1)[1].split("?")[0])
        assert path, f"{url} is linked but not found"
        with open(path, encoding="utf-8") as handle:
            assets[url] = handle.read()
    return assets


@pytest.fixture
def essay():
    body = "\n\n".join(f"A calm paragraph number {n}, long enough to read like a real essay does." for n in range(30))
    return PostFactory(title="A long, quiet essay", body=body, tags=["Rest", "Self-Compassion", "Rituals"])


@pytest.mark.parametrize("member", [False, True], ids=["reader", "member"])
def test_post_page_html_css_and_js_fit_in_64_kb(client, django_user_model, essay, member):
    if member:
        client.force_login(django_user_model.objects.create_user(email="m@example.com", password="pw"))
    response = client.get(essay.get_absolute_url())
    html = response.content.decode()
    assets = _assets(html)
    assert any(url.endswith(".css") for url in assets)
    assert any(url.endswith(".js") for url in assets)
    total = len(response.content) + sum(len(text.encode()) for text in assets.values())
    assert total < LIMIT, f"{total} bytes: {[(url, len(text)) for url, text in assets.items()]}"


def test_no_web_fonts_anywhere(client, essay):
    html = client.get(essay.get_absolute_url()).content.decode()
    assert not _FONT.search(html)
    for url, text in _assets(html).items():
        assert not _FONT.search(text), url
    for path in sorted((settings.BASE_DIR / "static" / "css").glob("*.css")):
        assert not _FONT.search(path.read_text(encoding="utf-8")), path.name
