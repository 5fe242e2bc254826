"""Every page type a person can land on, as the accessibility audit and ``make screenshots`` visit them.

Paths point at the demo content (``e2e.demo``); ``member`` pages need a logged-in member who has
saved something (``prepare_member``), the others are seen as an anonymous reader.
"""

import uuid
from dataclasses import dataclass

from e2e.demo import DEMO_POSTS


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    member: bool = False
    status: int = 200


FIRST = DEMO_POSTS[0]["slug"]
SECOND = DEMO_POSTS[1]["slug"]
# Fixed keys for the member's rows, so their pages have known addresses.
NOTE_KEY = uuid.UUID("00000000-0000-4000-8000-000000000001")
REMOVED_KEY = uuid.UUID("00000000-0000-4000-8000-000000000002")

PAGE_TYPES = [
    PageType("home", "/"),
    PageType("post", f"/posts/{FIRST}/"),
    PageType("tags", "/tags/"),
    PageType("tag", "/tags/rest/"),
    PageType("archive", "/archive/"),
    PageType("search", "/search/?q=rest"),
    PageType("about", "/about/"),
    PageType("privacy", "/privacy/"),
    PageType("subscribe", "/subscribe/"),
    PageType("save-login", f"/posts/{FIRST}/save/"),
    PageType("login", "/accounts/login/"),
    PageType("login-code", "/accounts/login/code/"),
    PageType("signup", "/accounts/signup/"),
    PageType("password-reset", "/accounts/password/reset/"),
    PageType("password-reset-sent", "/accounts/password/reset/done/"),
    PageType("check-your-inbox", "/accounts/confirm-email/"),
    PageType("not-found", "/no-such-page/", status=404),
    PageType("server-error", "/e2e/fail/", status=500),
    PageType("member-home", "/", member=True),
    PageType("member-post", f"/posts/{FIRST}/", member=True),
    PageType("member-search", "/search/?q=rest", member=True),
    PageType("post-with-responses", f"/posts/{SECOND}/"),
    PageType("member-post-with-responses", f"/posts/{SECOND}/", member=True),
    PageType("saved", "/saved/", member=True),
    PageType("saved-just-removed", f"/saved/?removed={REMOVED_KEY}", member=True),
    PageType("note", f"/saved/item/{NOTE_KEY}/note/", member=True),
    PageType("note-delete", f"/saved/item/{NOTE_KEY}/note/delete/", member=True),
    PageType("account", "/accounts/", member=True),
    PageType("password-change", "/accounts/password/change/", member=True),
    PageType("email", "/accounts/email/", member=True),
    PageType("delete-account", "/accounts/delete/", member=True),
]


def prepare_member(member, posts) -> None:
    """Give the member two saved pieces, one with a private note, so /saved/ shows what it holds, and a
    third they removed (its note kept); and the second essay responses (a thread with replies, the
    writer's, the member's own held one)."""
    from accounts import services
    from accounts.models import Favourite
    from responses.models import Responder
    from responses.tests.factories import make_member, make_response

    for post in posts[:2]:
        services.favourite_add(user=member, post=post)
    Favourite.objects.filter(user=member, post=posts[0]).update(
        note="Read this again on Sunday evenings, slowly, with tea.", key=NOTE_KEY
    )
    removed = services.favourite_add(user=member, post=posts[2])
    Favourite.objects.filter(pk=removed.pk).update(key=REMOVED_KEY, note="A thought I may want back.")
    services.favourite_remove(user=member, post=posts[2])
    post = posts[1]
    mira, ollie = make_member("Mira Hale"), make_member("Ollie")
    writer = make_member("The writer", is_staff=True)
    top = make_response(post=post, author=mira, body="This helped me *slow down* today. Thank you.")
    make_response(post=post, author=writer, parent=top, body="I am so glad. Go gently.", by_writer=True)
    make_response(post=post, author=ollie, parent=top, body="Same here.\n\n> slow down")
    make_response(post=post, author=ollie, body="A list of what I will try:\n\n- tea\n- a walk")
    Responder.objects.get_or_create(user=member, defaults={"display_name": "Reader"})
    make_response(post=post, author=member, body="My first response.", status="held")
