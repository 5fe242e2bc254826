"""Browser test fixtures: a live server with demo essays, one Debian Chromium per session, axe-core.

The server is pytest-django's ``live_server``: a thread in this process that shares the in-memory test
database and serves static files straight from the finders. Each xdist worker has its own server and
database, and tests create data with the ORM and see it in the browser at once.
"""

import os

# Playwright's sync API runs an event loop in this thread, and Django's ORM refuses to run beside a
# running loop unless told it is safe. It is: the loop only waits on the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Chromium may try ::1 first for "localhost" while the server listens on IPv4: name the address.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

import pytest  # noqa: E402

# Shared checks outside test modules still get pytest's detailed assertion messages.
pytest.register_assert_rewrite("e2e.journey")
from playwright.sync_api import sync_playwright  # noqa: E402

from accounts.tests.factories import PASSWORD  # noqa: E402
from e2e.browser import AXE_URL_PATH, WIDTHS, chromium_missing, launch, log_in, serve_axe  # noqa: E402
from e2e.demo import create_demo_content  # noqa: E402
from e2e.serial import serialised  # noqa: E402


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Without Chromium, one browser test fails saying how to install it and the rest are deselected.

    Thirty failures with the same cause would only bury the fix. ``trylast``: after ``-m`` has
    deselected, so a run without browser tests never looks for a browser. (``pytest.exit`` here
    would crash the xdist workers instead.)
    """
    browser_tests = [item for item in items if item.get_closest_marker("e2e")]
    problem = chromium_missing() if browser_tests else ""
    if not problem:
        return
    first, *rest = browser_tests
    if rest:
        config.hook.pytest_deselected(items=rest)
        left_out = {id(item) for item in rest}
        items[:] = [item for item in items if id(item) not in left_out]
    first.runtest = lambda: pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each test gets fresh contexts, which are cheap."""
    if problem := chromium_missing():
        pytest.fail(problem, pytrace=False)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _one_database_user_at_a_time():
    """The live server's requests and the test's own queries take turns (see ``e2e.serial``)."""
    with serialised():
        yield


@pytest.fixture(autouse=True)
def _e2e_urls(settings):
    """The site's URLs plus a page that fails on purpose (to see the 500 page)."""
    settings.ROOT_URLCONF = "e2e.urls"


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts aimed at the live server (as many as a test needs); all closed after."""
    contexts = []

    def make(*, width=WIDTHS["desktop"], color_scheme="light", **kwargs):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 900},
            color_scheme=color_scheme,
            accept_downloads=True,
            **kwargs,
        )
        context.set_default_timeout(10_000)
        context.route(f"**{AXE_URL_PATH}", serve_axe)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def csp_violations():
    """Console reports of Content-Security-Policy violations seen by ``page``: must stay empty."""
    return []


@pytest.fixture
def page(new_context, csp_violations):
    """A page in a fresh desktop context; the test fails if one of our pages breaks its own CSP."""
    page = new_context().new_page()

    def watch(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("console", watch)
    yield page
    assert not csp_violations, f"our pages broke their own CSP: {csp_violations}"


@pytest.fixture
def demo_posts(live_server):
    """The demo essays, newest first (plus one draft that readers never see)."""
    return create_demo_content()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        email="editor@example.com", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def member_page(new_context, member, live_server):
    """A desktop page already logged in as ``member``."""
    context = new_context()
    log_in(context, member, live_server.url)
    return context.new_page()
