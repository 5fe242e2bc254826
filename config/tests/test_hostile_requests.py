"""Odd and hostile requests against every public URL pattern: none may end in a server error.

The patterns are enumerated from the resolver, so a route added later is walked automatically.
Each gets odd path parameters, odd query strings and unusual methods, anonymously and as a member;
404, 400, 403, 405 and redirects are all right answers, a 500 never is.
"""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver

from accounts import services
from blog.tests.factories import PostFactory

# Every route, twice: the biggest sweep in the suite, so `make test-fast` leaves it to `make test`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TEN_KB = ("self-care " * 1100)[:10_240]

# Percent-encoded as a client would send them; the test client decodes them as a server does.
PATH_VALUES = [
    "0",
    "-1",
    "99999999999999999999999999",
    "a" * 5000,
    "%00",
    "a%00b",
    "%2F",
    "a%2Fb%5Cc",
    "..",
    "%2e%2e",
    "..%2F..%2Fetc%2Fpasswd",
    "caf%C3%A9",
    "%E5%BF%83%E3%81%AE%E4%BC%91%E6%81%AF",
    "%F0%9F%8C%B1%F0%9F%92%9B",
    "%FF%FE%FD",
    "%27%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%20%20",
    "%0D%0ASet-Cookie:%20x=1",
    "%25",
    "%25%32%65",
    "con",
    "%E2%80%AE%E2%80%8B",
]
UUID_VALUES = ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", str(uuid.uuid4())]

QUERIES = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=99999999",
    "page=" + "9" * 400,
    "page=1.5",
    "page=1e3",
    "page=%00",
    "page=1&page=2",
    "page[]=1",
    "page=%EF%BC%91",  # a full-width digit one
    "q=%22quoted+phrase%22+AND+NOT+(x+OR+y)*",
    "q=" + TEN_KB.replace(" ", "+"),
    "q=%00",
    "q=%27%3B+DROP+TABLE+blog_post%3B--",
    "q=NEAR(a+b)+%5E+title:x+%7B%7D",
    "q=%F0%9F%8C%B1",
    "q=*",
    "q=%22",
    "q=-",
    "q=%26%7C!%3A*()",
    "q=" + "%22" * 300,
    "q=a&q=b",
    "next=javascript:alert(1)",
    "next=//evil.example/",
    "tag=%00",
    "ordering=-password",
    "%FF=%FF",
    "a" * 5000 + "=1",
]
# Form bodies every route gets by POST: over-long, NUL-bearing and redirect-abusing values.
POST_BODIES = [
    {"note": "x" * 100_000},
    {"note": "a\x00b"},
    {"note": ["one", "two"]},
    {"next": "javascript:alert(1)", "note": "ok"},
    {"login": "a" * 5000, "password": "b" * 5000},
    {"login": "a\x00@example.org", "password": "x"},
    {"email": "x" * 5000 + "@example.org", "password1": "p" * 5000, "password2": "p" * 5000},
    {"q": TEN_KB},
]
METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "TRACE", "CONNECT", "BREW"]

STATIC_PATHS = [
    "/static/../config/settings.py",
    "/static/%2e%2e/%2e%2e/manage.py",
    "/static/css/../../manage.py",
    "/static/..%2F..%2Fmanage.py",
    "/static/css/..%5C..%5Cmanage.py",
    "/static/css/site.css%00.js",
    "/static/" + "a" * 5000,
    "/static/css/%2e%2e%2f%2e%2e%2fREADME.md",
    "/static/%F0%9F%8C%B1.css",
    "/static//etc/passwd",
]

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def public_routes() -> list[str]:
    """Every URL pattern outside the admin, as a route string with its parameters left in."""

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            else:
                yield route

    routes = [route for route in walk(get_resolver()) if not route.startswith("admin/")]
    return [*routes, "admin/login/"]


def fill(route: str, values: dict[str, str], default: str) -> str:
    """The route as a request path, each parameter replaced by its value (or ``default``)."""
    if "(?P<" in route or route.startswith("^") or "^" in route:
        route = route.replace("^", "").replace("$", "")
        route = _REGEX_PARAM.sub(lambda m: values.get(m["name"], default), route)
        route = route.replace("\\", "")
    else:
        route = _ROUTE_PARAM.sub(lambda m: values.get(m["name"], default), route)
    return "/" + route


def parameters(route: str) -> list[tuple[str, str]]:
    """(converter, name) of each parameter in a route; regex groups count as str."""
    found = [(m["converter"] or "str", m["name"]) for m in _ROUTE_PARAM.finditer(route)]
    found += [("str", m["name"]) for m in _REGEX_PARAM.finditer(route)]
    return found


def odd_requests(route: str, good: dict[str, str]) -> list[tuple[str, str]]:
    """(method, path) pairs for one route: odd parameters, odd queries, odd methods (and odd POST bodies)."""
    requests = []
    params = parameters(route)
    if params:
        converters = {converter for converter, _ in params}
        values = PATH_VALUES + (UUID_VALUES if "uuid" in converters else [])
        for value in values:
            requests.append(("GET", fill(route, {}, value)))
            # One parameter odd, the others sensible, so the odd one reaches deeper code.
            for _, name in params:
                requests.append(("GET", fill(route, {**good, name: value}, value)))
    base = fill(route, good, "x")
    for query in QUERIES:
        requests.append(("GET", f"{base}?{query}"))
    for method in METHODS:
        requests.append((method, base))
    requests += [("POST-BODY", f"{base}#{n}") for n in range(len(POST_BODIES))]
    return list(dict.fromkeys(requests))


@pytest.fixture
def site():
    post = PostFactory(title="Tea in the garden", slug="tea-in-the-garden", tags=["Rest"])
    PostFactory(title="心の休息", slug="心の休息", tags=["Rest"])
    member = get_user_model().objects.create_user(email="reader@example.org", password="a long password here")
    services.favourite_add(user=member, post=post)
    return {"post": post, "member": member}


def sensible_values(site, route: str) -> dict[str, str]:
    favourite = site["member"].favourites.get()
    return {
        "slug": "rest" if route.startswith("tags/") else site["post"].slug,
        "key": str(getattr(favourite, "key", uuid.uuid4())),
        "path": "2020/01/02/tea-in-the-garden.html",
        "uidb36": "1",
    }


def walk(client: Client, route: str, good: dict[str, str]) -> list[str]:
    """Send every odd request for a route; describe each that ended in a server error."""
    failures = []
    for method, path in odd_requests(route, good):
        try:
            if method == "POST-BODY":
                path, n = path.rsplit("#", 1)
                method = f"POST {POST_BODIES[int(n)]!r:.60}"
                response = client.post(path, POST_BODIES[int(n)])
            else:
                response = client.generic(method, path)
        except Exception as error:  # noqa: BLE001 - any exception here is the failure being looked for
            failures.append(f"{method} {path[:120]}: {type(error).__name__}: {str(error)[:200]}")
            continue
        if response.status_code >= 500:
            failures.append(f"{method} {path[:120]}: {response.status_code}")
    return failures


def test_the_walk_is_big_enough_and_covers_every_route():
    routes = public_routes()
    assert {"", "posts/<str:slug>/", "search/", "feed.xml", "<path:path>", "saved/<str:slug>/note/"} <= set(routes)
    kinds = len(PATH_VALUES) + len(QUERIES) + len(METHODS) + len(STATIC_PATHS)
    assert kinds >= 60
    total = sum(len(odd_requests(route, {"slug": "s"})) for route in routes) + len(STATIC_PATHS)
    assert len(routes) >= 30
    assert total >= 60 * len(routes) // 2


@pytest.mark.parametrize("route", public_routes())
def test_no_server_error_for_anonymous_readers(site, route):
    client = Client(enforce_csrf_checks=True)
    assert walk(client, route, sensible_values(site, route)) == []


@pytest.mark.parametrize("route", public_routes())
def test_no_server_error_for_members(site, route):
    # No CSRF check here, as if the member's page had supplied the token: the odd values reach the views.
    client = Client()
    client.force_login(site["member"])
    assert walk(client, route, sensible_values(site, route)) == []


@pytest.mark.parametrize("path", STATIC_PATHS)
def test_no_way_out_of_the_static_folder(settings, path):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(path)
    assert response.status_code in {301, 302, 400, 404}
    body = response.content.decode(errors="replace")
    assert "SECRET_KEY" not in body and "execute_from_command_line" not in body and "root:" not in body


@pytest.mark.parametrize(
    "path", ["/posts/%00/", "/tags/a%00b/", "/search/?tag=a%00", "/?q=tea%00", "/?page=1&%00=1", "/static/%00.css"]
)
def test_a_nul_anywhere_in_the_url_is_a_bad_request_on_every_engine(client, path):
    # PostgreSQL cannot even compare text holding a NUL, so it is refused before any view runs.
    assert client.get(path).status_code == 400


def test_a_nul_in_the_search_text_is_cleaned_by_the_search_form(client):
    # The reader's own words: the search form drops control characters, so this is a search, not an error.
    response = client.get("/search/?q=tea%00")
    assert response.status_code == 200 and b"Nothing found" in response.content
