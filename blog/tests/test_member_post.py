"""A member's post page takes the post's row from the cache (blog.views.member_post): never a stale one."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from blog.models import Post, SiteSettings
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, member):
    client.force_login(member)
    return client


def test_a_warm_member_post_page_runs_no_query(reader, django_assert_num_queries):
    post = PostFactory(title="Morning tide", tags=["Rest"])
    reader.get(post.get_absolute_url())
    with django_assert_num_queries(0):
        assert b"Morning tide" in reader.get(post.get_absolute_url()).content


def test_a_renamed_post_shows_its_new_title_at_once(reader):
    post = PostFactory(title="Morning tide")
    reader.get(post.get_absolute_url())
    post.title = "Evening tide"
    post.save()
    html = reader.get(post.get_absolute_url()).content
    assert b"Evening tide" in html and b"Morning tide" not in html


@pytest.mark.parametrize("hide", ["draft", "delete"])
def test_a_post_taken_down_is_gone_for_members_at_once(reader, hide):
    post = PostFactory(title="Morning tide")
    url = post.get_absolute_url()
    assert reader.get(url).status_code == 200
    if hide == "draft":
        post.status = Post.Status.DRAFT
        post.save()
    else:
        post.delete()
    assert reader.get(url).status_code == 404


def test_a_scheduled_post_opens_to_members_at_its_time(reader):
    PostFactory(title="Already out")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post = PostFactory(title="Tomorrow's tide", published_at=timezone.now() + datetime.timedelta(hours=1))
        url = post.get_absolute_url()
        assert reader.get(url).status_code == 404
        assert reader.get(url).status_code == 404
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        assert b"Tomorrow&#x27;s tide" in reader.get(url).content


def test_an_unknown_address_stays_unknown(reader):
    assert reader.get("/posts/no-such-essay/").status_code == 404
    post = PostFactory(slug="no-such-essay")
    assert reader.get("/posts/no-such-essay/").status_code == 200
    assert reader.get("/posts/" + "x" * 5000 + "/").status_code == 404
    assert reader.get(post.get_absolute_url()).status_code == 200


def test_the_kept_header_shows_a_new_byline_and_tag_at_once(reader):
    post = PostFactory(title="Morning tide", tags=["Rest"])
    assert b"By Ann" not in reader.get(post.get_absolute_url()).content
    text = SiteSettings.load()
    text.author_name = "Ann"
    text.save()
    post.tags.add("Shore")
    html = reader.get(post.get_absolute_url()).content
    assert b"By Ann" in html and b"/tags/shore/" in html


def test_staff_see_the_preview_banner_and_members_never_the_draft(client, editor, member):
    draft = PostFactory(title="Unfinished", status=Post.Status.DRAFT)
    client.force_login(editor)
    assert b"Draft preview" in client.get(draft.get_absolute_url()).content
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 404
