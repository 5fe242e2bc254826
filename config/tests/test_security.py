"""Secure defaults: check --deploy passes in production-like settings, every kind of response carries
the security headers, and no page loads anything from another origin."""

import secrets
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from blog.tests.fresh_process import manage, shell

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_check_deploy_reports_no_issue_in_production_like_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        var_dir=tmp_path,
        DJANGO_HTTPS="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="essays.example.org",
        SITE_URL="https://essays.example.org",
        EMAIL_URL="smtp://site:password@smtp.example.org:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_https_mode_turns_on_secure_cookies_hsts_and_the_proxy_aware_redirect(tmp_path):
    probe = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = shell(probe, var_dir=tmp_path, DJANGO_HTTPS="1", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
        "True",
        "31536000",
        "True",
    ]


def test_https_mode_redirects_plain_http_but_trusts_the_proxy_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/robots.txt")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/robots.txt", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    csp = _csp(response)
    for name, values in csp.items():
        assert "'unsafe-inline'" not in values, name
        assert "'unsafe-eval'" not in values, name
        # Nothing from another origin: only our own, nothing at all, or data: images.
        for value in values:
            assert value in {"'self'", "'none'", "data:"} or value.startswith("'nonce-"), (name, value)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] or all(v == "'self'" or v.startswith("'nonce-") for v in csp["script-src"])
    assert "'self'" in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path, status",
    [
        ("/", 200),
        ("/posts/tea-in-the-garden/", 200),
        ("/tags/", 200),
        ("/tags/rest/", 200),
        ("/archive/", 200),
        ("/feed.xml", 200),
        ("/tags/rest/feed.xml", 200),
        ("/sitemap.xml", 200),
        ("/robots.txt", 200),
        ("/healthz", 200),
        ("/posts/no-such-post/", 404),
        ("/accounts/login/", 200),
    ],
)
def test_every_public_response_carries_the_security_headers(client, post, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)
    # Served again from the page cache: the headers are still there.
    assert_security_headers(client.get(path))


def test_the_json_answer_to_a_save_carries_them(client, post, member):
    client.force_login(member)
    response = client.post(f"/posts/{post.slug}/save/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_security_headers(response)


def test_a_member_page_carries_them(client, post, member):
    client.force_login(member)
    assert_security_headers(client.get("/saved/"))
    assert_security_headers(client.get("/posts/tea-in-the-garden/"))


@pytest.mark.urls("blog.tests.boom_urls")
def test_the_500_page_carries_them():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert_security_headers(response)


def test_a_static_file_served_by_whitenoise_carries_them(settings):
    # WhiteNoise reads its settings when the middleware is built: a fresh client builds it again.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert "text/css" in response["Content-Type"]
    assert_security_headers(response)


class _Loads(HTMLParser):
    """Every URL a page makes the browser fetch or navigate its chrome to, outside the post's own body."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self._depth_in_body = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth_in_body:
            if tag in {"div", "section"}:
                self._depth_in_body += 1
            return
        if tag == "div" and "post-body" in (attrs.get("class") or "").split():
            self._depth_in_body = 1
            return
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if attrs.get(name) and (tag != "a" or name != "href"):
                self.urls.append((tag, attrs[name]))

    def handle_endtag(self, tag):
        if self._depth_in_body and tag in {"div", "section"}:
            self._depth_in_body -= 1


def foreign_loads(html: str) -> list[tuple[str, str]]:
    parser = _Loads()
    parser.feed(html)
    own = urlsplit(settings.SITE_URL).netloc
    foreign = []
    for tag, url in parser.urls:
        parts = urlsplit(url.strip())
        if parts.scheme in {"", "https", "http"} and parts.netloc in {"", own}:
            continue
        foreign.append((tag, url))
    return foreign


# The home page and an essay in the fast loop; the sweep of the other pages in make test.
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/posts/tea-in-the-garden/",
        *(
            pytest.param(path, marks=pytest.mark.slow)
            for path in (
                "/tags/",
                "/tags/rest/",
                "/archive/",
                "/search/?q=tea",
                "/posts/no-such-post/",
                "/accounts/login/",
                "/accounts/signup/",
            )
        ),
    ],
)
def test_no_page_loads_anything_from_another_origin(client, post, member, path):
    for who in ("anonymous", "member"):
        if who == "member":
            client.force_login(member)
        response = client.get(path)
        if response.status_code == 302:  # the login and sign-up pages send a member on
            continue
        assert response.status_code in {200, 404}
        assert foreign_loads(response.content.decode()) == [], (who, path)


def test_member_pages_load_nothing_from_another_origin(client, post, member):
    client.force_login(member)
    client.post(f"/posts/{post.slug}/save/")
    for path in ("/saved/", "/accounts/"):
        response = client.get(path)
        assert response.status_code == 200
        assert foreign_loads(response.content.decode()) == [], path


def test_the_scan_would_notice_a_foreign_script():
    page = '<html><head><script src="https://cdn.example.com/x.js"></script></head><body></body></html>'
    assert foreign_loads(page) == [("script", "https://cdn.example.com/x.js")]
