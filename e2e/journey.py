"""What the member journeys (e2e/test_member_journey.py, e2e/test_keyboard.py) share: the newcomer's
details, the emailed link, and what their data export must hold."""

import json
import re

EMAIL = "new.member@example.com"
PASSWORD = "slow mornings and warm tea 7"
NOTE = "Read this on Sunday evenings, slowly."


def emailed_path(message) -> str:
    """The path of the one link in an email the site sent (the live server's host is in front of it)."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body)[1]


def assert_export(path, *, kept, removed):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    pieces = {piece["title"]: piece for piece in data["saved_pieces"]}
    assert set(pieces) == {kept.title, removed.title}
    assert pieces[kept.title]["note"] == NOTE
    assert pieces[kept.title]["url"].endswith(kept.get_absolute_url())
    assert pieces[kept.title]["removed_at"] is None
    assert pieces[removed.title]["removed_at"] is not None  # kept, with its note, until the account goes
