"""Anonymous readers get no cookie at all on public pages: no session, no CSRF token.

A cookie on a public page would both track readers who never asked for an account and make the
page uncacheable. Only forms (log in, sign up) hand out a CSRF cookie.
"""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/",
    "/?page=1",
    "/posts/tea-in-the-garden/",
    "/tags/",
    "/tags/rest/",
    "/tags/rest/feed.xml",
    "/archive/",
    "/search/",
    "/search/?q=tea",
    "/search/?q=tea&page=99",
    "/feed.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/posts/no-such-post/",
    "/no/such/page/",
    "/2020/01/02/tea-in-the-garden.html",
]
FAST_PATHS = {"/", "/posts/tea-in-the-garden/"}


@pytest.fixture(autouse=True)
def _published_post(post):
    """Every public page in this module has a post to show (and link to)."""
    return post


def set_cookies(response) -> list[str]:
    return [morsel.OutputString() for morsel in response.cookies.values()]


# The home page and an essay in the fast loop; the sweep of every public page in make test.
@pytest.mark.parametrize(
    "path", [path if path in FAST_PATHS else pytest.param(path, marks=pytest.mark.slow) for path in PUBLIC_PATHS]
)
def test_no_cookie_on_public_pages(client, path):
    first = client.get(path)
    assert first.status_code in {200, 301, 404}, path
    assert set_cookies(first) == []
    # Again, now that the page cache may answer, and by HEAD.
    assert set_cookies(client.get(path)) == []
    assert set_cookies(client.head(path)) == []
    assert client.cookies == {} or all(not morsel.value for morsel in client.cookies.values())


def test_the_public_pages_really_answer(client):
    statuses = {path: client.get(path).status_code for path in PUBLIC_PATHS}
    assert statuses["/posts/tea-in-the-garden/"] == 200
    assert statuses["/2020/01/02/tea-in-the-garden.html"] == 301
    assert statuses["/posts/no-such-post/"] == 404
    assert all(statuses[path] == 200 for path in ("/", "/tags/rest/", "/search/?q=tea", "/feed.xml", "/sitemap.xml"))


def test_a_form_page_may_set_the_csrf_cookie(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
