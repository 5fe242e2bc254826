"""axe-core on every page type, light and dark, phone and desktop widths; plus what axe cannot see:
320px without sideways scrolling, the theme switch, the skip link, print and reduced-motion styles."""

import pytest
from playwright.sync_api import expect

from e2e.browser import SCHEMES, WIDTHS, axe_violations, log_in
from e2e.pages import PAGE_TYPES, prepare_member

pytestmark = pytest.mark.e2e


def _visit_all(new_context, member, live_server, *, width, color_scheme):
    """Yield (page type, page) for every page type, as an anonymous reader and as a member."""
    for logged_in in (False, True):
        context = new_context(width=width, color_scheme=color_scheme)
        if logged_in:
            log_in(context, member, live_server.url)
        page = context.new_page()
        for page_type in PAGE_TYPES:
            if page_type.member == logged_in:
                response = page.goto(page_type.path)
                assert response.status == page_type.status, f"{page_type.name}: {response.status}"
                yield page_type, page
        context.close()


@pytest.mark.parametrize("color_scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_axe_finds_no_violations_on_any_page_type(new_context, demo_posts, member, live_server, width, color_scheme):
    prepare_member(member, demo_posts)
    found = {}
    for page_type, page in _visit_all(new_context, member, live_server, width=width, color_scheme=color_scheme):
        if violations := axe_violations(page):
            found[page_type.name] = violations
    assert found == {}


SHARED_FRAME = """() => [
    document.querySelector("body > a.skip-link[href='#main']") !== null,
    document.querySelectorAll("body > header.site-header").length === 1,
    document.querySelectorAll("main#main").length === 1,
    document.querySelectorAll("body > footer.site-footer").length === 1,
    document.querySelector("link[rel=stylesheet][href*='site']") !== null,
]"""


def test_every_page_type_shares_the_frame_and_fits_320px(new_context, demo_posts, member, live_server):
    """One base template everywhere (skip link, header, main, footer, the one stylesheet), and no page
    scrolls sideways on a 320px screen."""
    prepare_member(member, demo_posts)
    problems = {}
    for page_type, page in _visit_all(new_context, member, live_server, width=320, color_scheme="light"):
        frame = page.evaluate(SHARED_FRAME)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if not all(frame) or scroll_width > 320:
            problems[page_type.name] = {"frame": frame, "scroll_width": scroll_width}
    assert problems == {}


def test_theme_switch_is_a_remembered_toggle_button_without_cookies(new_context, demo_posts):
    page = new_context(color_scheme="light").new_page()
    page.goto("/")
    toggle = page.locator(".theme-toggle-wide")
    # Small, and says what it is; whether it is on is its pressed state, never a label that flips.
    expect(toggle).to_have_text("Dark mode")
    assert toggle.get_attribute("aria-pressed") == "false"
    light_background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    expect(toggle).to_have_text("Dark mode")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != light_background
    bars = page.locator('meta[name="theme-color"]').evaluate_all("(metas) => metas.map((m) => m.content)")
    assert set(bars) == {"#1e2229"}  # the browser's toolbar follows the choice too

    page.goto(demo_posts[0].get_absolute_url())
    # The choice is applied by a blocking script in <head>, before the body is painted: no flash.
    assert page.evaluate(
        "() => { const s = document.querySelector('head script[src*=\"theme\"]'); return !!s && !s.defer && !s.async; }"
    )
    assert page.locator(".theme-toggle-wide").get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => localStorage.getItem('theme')") == "dark"
    assert page.context.cookies() == []

    page.locator(".theme-toggle-wide").click()
    assert page.evaluate("() => localStorage.getItem('theme')") == "light"


def test_dark_system_scheme_is_followed_until_the_reader_chooses(new_context, demo_posts):
    page = new_context(color_scheme="dark").new_page()
    page.goto("/")
    assert page.locator(".theme-toggle-wide").get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => getComputedStyle(document.documentElement).colorScheme") == "dark"


def test_without_javascript_the_page_reads_and_the_toggle_stays_hidden(new_context, demo_posts):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(demo_posts[0].get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == demo_posts[0].title
    assert page.locator(".theme-toggle-wide").is_hidden()
    assert page.get_by_role("link", name="Save").count() == 2  # at the top of the essay and at its end


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_content(page, demo_posts):
    page.goto(demo_posts[0].get_absolute_url())
    skip = page.get_by_role("link", name="Skip to content")
    assert not _in_viewport(skip)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content"
    assert _in_viewport(skip)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def _in_viewport(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] > 0 and box["x"] >= 0


def test_post_images_are_responsive_lazy_and_sized(new_context, demo_posts):
    page = new_context(width=320).new_page()
    page.goto(demo_posts[0].get_absolute_url())
    image = page.locator(".post-body img")
    assert image.get_attribute("loading") == "eager"  # the essay's first picture; later ones load lazily
    assert image.get_attribute("width") and image.get_attribute("height")
    box = image.bounding_box()
    assert box["width"] <= 320 - 2 * 12
    assert box["height"] == pytest.approx(box["width"], abs=1)  # keeps its aspect ratio


def test_playlist_link_button_is_styled_from_its_class(page, demo_posts):
    page.goto(demo_posts[0].get_absolute_url())
    button = page.locator(".post-body a.back-button")
    assert button.get_attribute("style") is None  # the sanitiser stripped it; the stylesheet does the work
    style = button.evaluate("(el) => { const s = getComputedStyle(el); return [s.display, s.textDecorationLine]; }")
    assert style == ["inline-flex", "none"]
    assert button.bounding_box()["height"] >= 44


def test_print_shows_the_essay_without_the_site_around_it(page, demo_posts):
    page.goto(demo_posts[0].get_absolute_url())
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-footer", ".post-nav", ".save-button", ".back-button"):
        assert page.locator(selector).first.is_hidden(), selector
    assert page.locator(".post-body").is_visible()
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_reduced_motion_turns_smooth_scrolling_off(new_context, demo_posts):
    calm = new_context(reduced_motion="reduce").new_page()
    calm.goto("/")
    assert calm.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    lively = new_context(reduced_motion="no-preference").new_page()
    lively.goto("/")
    assert lively.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") == "smooth"


def test_focus_is_visible_on_links_buttons_and_fields(page, demo_posts):
    page.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert outline[0] != "none" and outline[1] != "0px", page.evaluate("() => document.activeElement.outerHTML")


def test_links_that_open_a_new_tab_say_so(page, demo_posts):
    page.goto(demo_posts[0].get_absolute_url())
    playlist = page.get_by_role("link", name="Quiet evenings playlist → (opens in a new tab)")
    assert playlist.get_attribute("target") == "_blank"
    assert playlist.get_attribute("rel") == "noopener noreferrer"
    assert playlist.inner_text().strip() == "Quiet evenings playlist →"  # nothing extra on screen
