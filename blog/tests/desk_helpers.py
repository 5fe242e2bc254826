"""What the desk's tests share: the post form's fields and a small picture."""

import io

from PIL import Image as PillowImage


def post_form(**overrides) -> dict:
    """The fields the post form sends, for a new post unless overridden."""
    data = {
        "title": "Evening light",
        "slug": "evening-light",
        "body": "The light goes *gold* before it goes.",
        "body_format": "markdown",
        "tags": "Rest",
        "publish_at": "",
        "revised_at_0": "",
        "revised_at_1": "",
        "excerpt": "",
        "description": "",
        "legacy_url": "",
    }
    data.update(overrides)
    return data


def picture(width=800, height=600, kind="PNG") -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", (width, height), (90, 120, 200)).save(out, format=kind)
    return out.getvalue()
