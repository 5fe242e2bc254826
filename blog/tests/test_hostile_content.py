"""Hostile content in every field that reaches a page leaves no executable markup behind.

Each input goes into a post's title, description, excerpt, a tag name and the body at once; the
pages that show them (the post, home, the tag page, archive, search, both feeds, and the member
views of the post and home) are parsed and must hold no script of the content's making, no event
handler, no script-capable URL, and none of the elements that embed, frame, restyle or redirect.
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import Resolver404, resolve
from taggit.models import Tag

from blog.models import Post
from blog.tests.factories import PostFactory
from blog.tests.samples import HOSTILE_CONTENT

pytestmark = pytest.mark.django_db

# Elements that content must never bring into a page (our own templates use none of them).
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "svg", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href", "ping"}
# Forms our own templates render, by the view they post or get to.
OUR_FORMS = {"blog:search", "accounts:save", "accounts:unsave", "accounts:note", "account_logout", "responses:respond"}
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


def dangerous_url(value: str) -> bool:
    """Would a browser run or render this URL as a document of the content's making?"""
    squashed = _IGNORED_IN_SCHEME.sub("", value).lower()
    return squashed.startswith(("javascript:", "vbscript:", "data:"))


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.jsonld: list[str] = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in URL_ATTRIBUTES and value and dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "srcset" and value and any(dangerous_url(part) for part in value.split(",")):
                self.problems.append(f"<{tag} srcset={value[:40]!r}>")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in names:
            self.problems.append(f"<meta http-equiv={names['http-equiv']!r}>")
        if tag == "form":
            try:
                view = resolve(names.get("action") or "/").view_name
            except Resolver404:
                view = None
            if view not in OUR_FORMS:
                self.problems.append(f"<form action={names.get('action')!r}>")
        if tag == "script":
            kind = (names.get("type") or "").lower()
            src = names.get("src") or ""
            if kind == "application/ld+json" and not src:
                self._script = "jsonld"
            elif src.startswith("/static/js/") and kind in {"", "module"}:
                self._script = "ours"
            else:
                self.problems.append(f"<script type={kind!r} src={src!r}>")
                self._script = "foreign"
            self._script_text = ""

    def handle_data(self, data):
        if self._script:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag == "script" and not self._script:
            # A block closed early by content, leaving its own closing tag behind.
            self.problems.append("stray </script>")
        if tag == "script" and self._script:
            if self._script == "jsonld":
                self.jsonld.append(self._script_text)
            elif self._script == "ours" and self._script_text.strip():
                self.problems.append("text inside a <script src>")
            self._script = None


def audit_html(html: str, *, jsonld_allowed: int) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    problems = list(parser.problems)
    if len(parser.jsonld) > jsonld_allowed:
        problems.append(f"{len(parser.jsonld)} JSON-LD blocks")
    for block in parser.jsonld:
        if "</script" in block.lower() or "<" in block:
            problems.append(f"markup inside JSON-LD: {block[:80]!r}")
    return problems


ATOM = "{http://www.w3.org/2005/Atom}"


def audit_feed(xml: bytes) -> list[str]:
    """The feed must be well-formed, and any HTML it carries must be as inert as a page."""
    root = ET.fromstring(xml)
    problems = []
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            problems += [f"feed {element.tag[len(ATOM) :]}: {p}" for p in audit_html(element.text, jsonld_allowed=0)]
    return problems


def hostile_post(payload: str) -> Post:
    post = PostFactory(
        title=f"Title {payload}"[:500],
        slug="hostile",
        description=f"Description {payload}",
        excerpt=f"Excerpt {payload}",
        body=f"Body before.\n\n{payload}\n\nBody after, with alert in it.\n\n<div>{payload}</div>\n",
    )
    tag_name = f"tag {payload}"[:100]
    post.tags.add(tag_name)
    return post


def test_the_table_is_big_enough():
    assert len(HOSTILE_CONTENT) >= 30


@pytest.mark.slow
@pytest.mark.parametrize("payload", HOSTILE_CONTENT)
def test_no_executable_markup_survives(client, member, payload):
    post = hostile_post(payload)
    tag = Tag.objects.get()
    assert tag.slug, "a tag whose name gives no slug cannot have a page"

    pages = {
        "post": post.get_absolute_url(),
        "home": "/",
        "tag": f"/tags/{tag.slug}/",
        "tags": "/tags/",
        "archive": "/archive/",
        "search": "/search/?q=alert",
    }
    problems = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        problems += [f"{name}: {p}" for p in audit_html(response.content.decode(), jsonld_allowed=int(name == "post"))]
    for path in ("/feed.xml", f"/tags/{tag.slug}/feed.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        problems += [f"{path}: {p}" for p in audit_feed(response.content)]

    client.force_login(member)
    for name in ("post", "home", "search"):
        response = client.get(pages[name])
        assert response.status_code == 200
        problems += [
            f"member {name}: {p}" for p in audit_html(response.content.decode(), jsonld_allowed=int(name == "post"))
        ]
    assert problems == []


def test_the_payload_text_is_still_shown_to_the_reader(client):
    """Escaping, not deleting: a title that mentions <script> reads as written."""
    post = hostile_post("<script>alert(1)</script>")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "page",
    [
        '<script>alert(1)</script><div class="post-body"></div>',
        '<p><img src=x onerror="alert(1)"></p>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<form action="https://evil.example/"></form>',
        '<meta http-equiv="refresh" content="0">',
        '<script type="application/ld+json">{"a": "</script>"}</script>',
        '<script type="application/ld+json">{"a": "<b>"}</script>',
        "<style>p{}</style>",
        '<iframe src="/"></iframe>',
    ],
)
def test_the_audit_would_notice(page):
    assert audit_html(page, jsonld_allowed=1) != []
