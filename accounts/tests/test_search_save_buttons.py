"""Save buttons on a page of search hits whose list is kept drawn once per process (blog.cards.hit_list):
each request puts its own member's buttons (saved state, CSRF token, the page to come back to) in it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import FavouriteFactory
from blog import cards
from blog.caching import content_version
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def buttons(html: str) -> list[str]:
    """Each hit's Save button state ("true" or "false"), in order."""
    return re.findall(r'class="save-button" aria-pressed="(true|false)"', html)


@pytest.fixture
def tides():
    posts = [PostFactory(title=f"Tide {i}", body="tide", days_ago=i + 1) for i in range(3)]
    content_version()
    return posts


def test_two_members_see_their_own_saved_state_on_one_kept_list(client, member, other_member, tides, monkeypatch):
    FavouriteFactory(user=member, post=tides[0])  # the oldest: last of three equal ranks
    drawn = []
    real = cards.render_to_string
    monkeypatch.setattr(cards, "render_to_string", lambda name, *a, **k: drawn.append(name) or real(name, *a, **k))
    client.force_login(member)
    own = client.get("/search/", {"q": "tide"}).content.decode()
    other = Client()
    other.force_login(other_member)
    theirs = other.get("/search/", {"q": "tide"}).content.decode()
    assert drawn.count("includes/hit_list.html") == 1  # drawn once, for both members
    assert buttons(own) == ["false", "false", "true"] and buttons(theirs) == ["false", "false", "false"]
    for html in (own, theirs):
        assert "save-button-" not in html.replace('class="save-button"', "")  # no stand-in left behind
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert len(tokens) == 1  # one token a response, in every button and the log-out form
        assert 'name="next" value="/search/?q=tide"' in html


def test_a_member_who_saves_a_hit_sees_it_saved_on_the_kept_list_at_once(client, member, tides):
    client.force_login(member)
    assert buttons(client.get("/search/", {"q": "tide"}).content.decode()) == ["false"] * 3
    assert client.post(reverse("accounts:save", args=[tides[1].slug])).status_code == 302
    assert buttons(client.get("/search/", {"q": "tide"}).content.decode()) == ["false", "true", "false"]


def test_a_reader_gets_links_on_the_same_kept_list(client, member, tides):
    client.force_login(member)
    client.get("/search/", {"q": "tide"})
    reader = Client().get("/search/", {"q": "tide"}).content.decode()
    assert reader.count('class="save-button save-login"') == 3 and "csrfmiddlewaretoken" not in reader
