"""An essay with pictures, as a reader sees it: sized before they load (no layout shift), the right copy
for the screen, a quiet placeholder for a missing one, and nothing axe can fault."""

import io

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect

from blog.images import store_image
from blog.tests.factories import PostFactory
from e2e.browser import SCHEMES, WIDTHS, axe_violations
from e2e.layout_shift import describe_shifts, layout_shifts

pytestmark = pytest.mark.e2e


def _picture(width, height, colour) -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(out, format="JPEG", quality=80)
    return out.getvalue()


@pytest.fixture
def essay_with_pictures(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    pictures = [
        store_image(data=_picture(2400, 1600, (190, 160, 140)), alt_text="A window at dusk"),
        store_image(data=_picture(1200, 1500, (120, 150, 130)), alt_text="A fern in a pot"),
        store_image(data=_picture(900, 600, (150, 140, 180)), alt_text="Tea on a sill"),
    ]
    body = "\n\n".join(
        [
            "The light changes first.",
            f"![]({pictures[0].path})",
            "Then the room goes quiet. " * 30,
            f"![A fern that needed nothing but water]({pictures[1].path})",
            "Later, tea. " * 40,
            f"![]({pictures[2].path})",
            "![The old lighthouse](/images/lighthouse.jpg)",
        ]
    )
    return PostFactory(title="Pictures of a slow evening", slug="pictures-of-a-slow-evening", body=body)


@pytest.mark.parametrize("color_scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_pictures_load_without_layout_shift_and_pass_axe(new_context, essay_with_pictures, width, color_scheme):
    page = new_context(width=width, color_scheme=color_scheme).new_page()
    page.goto(essay_with_pictures.get_absolute_url())
    pictures = page.locator(".post-body img")
    expect(pictures).to_have_count(3)
    for index in range(3):
        pictures.nth(index).scroll_into_view_if_needed()
        expect(pictures.nth(index)).to_have_js_property("complete", True)
        assert pictures.nth(index).evaluate("img => img.naturalWidth") > 0
    # A phone gets a copy near its width, not the 2,400 px original.
    chosen = pictures.first.evaluate("img => img.currentSrc")
    if width < 500:
        assert "-960." in chosen or "-480." in chosen, chosen
    page.evaluate("() => window.scrollTo(0, 0)")
    shifts = layout_shifts(page)
    assert sum(shift["value"] for shift in shifts) == 0, describe_shifts(shifts)
    expect(page.locator(".image-missing")).to_have_text("Picture: The old lighthouse")
    assert axe_violations(page) == []
