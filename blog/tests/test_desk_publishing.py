"""Publishing by action: a draft is dated when it goes out, never when its form was opened."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from blog.desk import publishing
from blog.models import Post, Revision
from blog.tests.desk_helpers import post_form
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def change_url(post) -> str:
    return reverse("admin:blog_post_change", args=[post.pk])


def errors(response) -> dict:
    return response.context["adminform"].form.errors if response.context else {}


def test_the_add_form_proposes_no_date(editor_client):
    html = editor_client.get(reverse("admin:blog_post_add")).content.decode()
    assert 'name="publish_at"' in html
    assert 'name="publish_at" value=' not in html
    assert 'name="status"' not in html


def test_a_draft_written_over_a_week_is_dated_the_day_it_is_published(editor_client):
    with time_machine.travel(MONDAY, tick=False):
        opened = editor_client.get(reverse("admin:blog_post_add"))
        assert opened.status_code == 200
    with time_machine.travel(MONDAY + datetime.timedelta(hours=2), tick=False):
        response = editor_client.post(reverse("admin:blog_post_add"), post_form(_draft="Save draft"))
        assert response.status_code == 302, errors(response)
    post = Post.objects.get(slug="evening-light")
    assert post.state == "draft" and not post.is_public
    a_week_later = MONDAY + datetime.timedelta(days=7, hours=5)
    with time_machine.travel(a_week_later, tick=False):
        response = editor_client.post(change_url(post), post_form(_publish="Publish now"))
        assert response.status_code == 302, errors(response)
        assert response.url == change_url(post)
    post.refresh_from_db()
    assert post.state == "published"
    assert post.published_at == a_week_later
    assert post.revisions.filter(kind=Revision.Kind.PUBLISHED).count() == 1


def test_publish_now_keeps_a_date_staff_gave_in_the_past(editor_client):
    post = PostFactory(status=Post.Status.DRAFT)
    response = editor_client.post(
        change_url(post), post_form(slug=post.slug, publish_at="2024-05-01T08:30", _publish="Publish now")
    )
    assert response.status_code == 302, errors(response)
    post.refresh_from_db()
    assert timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M") == "2024-05-01 08:30"


def test_schedule_reschedule_publish_now_and_unpublish(editor_client, settings):
    post = PostFactory(status=Post.Status.DRAFT)
    ahead = (timezone.localtime() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    later = ahead + datetime.timedelta(days=1)
    fmt = "%Y-%m-%dT%H:%M"

    response = editor_client.post(
        change_url(post), post_form(slug=post.slug, publish_at=ahead.strftime(fmt), _schedule="Schedule…")
    )
    assert response.status_code == 302, errors(response)
    post.refresh_from_db()
    assert post.state == "scheduled" and post.published_at == ahead
    page = editor_client.get(change_url(post)).content.decode()
    assert 'value="Reschedule" name="_schedule"' in page and settings.TIME_ZONE in page

    editor_client.post(change_url(post), post_form(slug=post.slug, publish_at=later.strftime(fmt), _schedule="x"))
    post.refresh_from_db()
    assert post.published_at == later

    editor_client.post(change_url(post), post_form(slug=post.slug, publish_at="", _publish="Publish now"))
    post.refresh_from_db()
    assert post.state == "published" and post.published_at <= timezone.now()

    editor_client.post(change_url(post), post_form(slug=post.slug, _unpublish="Unpublish"))
    post.refresh_from_db()
    assert post.state == "unpublished" and not post.is_public


@pytest.mark.parametrize(
    ("when", "button", "message"),
    [
        ("", "_schedule", "Choose the date and time"),
        ("2020-01-01T10:00", "_schedule", "That time has passed"),
        ("2999-01-01T10:00", "_publish", "Schedule"),
    ],
)
def test_a_date_that_does_not_fit_the_action_is_a_form_error(editor_client, when, button, message):
    post = PostFactory(status=Post.Status.DRAFT)
    response = editor_client.post(change_url(post), post_form(slug=post.slug, publish_at=when, **{button: "x"}))
    assert response.status_code == 200
    assert message in str(errors(response)["publish_at"])
    post.refresh_from_db()
    assert post.state == "draft"


def test_the_list_shows_each_state_and_filters_by_it(editor_client):
    PostFactory(title="Out now")
    PostFactory(title="Coming soon", published_at=timezone.now() + datetime.timedelta(days=2))
    PostFactory(title="Still writing", status=Post.Status.DRAFT)
    taken_down = PostFactory(title="Taken down")
    publishing.unpublish(post=taken_down)
    url = reverse("admin:blog_post_changelist")
    html = editor_client.get(url).content.decode()
    for label in ("Published", "Scheduled", "Draft", "Unpublished"):
        assert f">{label}</span>" in html
    for state, title in [
        ("published", "Out now"),
        ("scheduled", "Coming soon"),
        ("draft", "Still writing"),
        ("unpublished", "Taken down"),
    ]:
        response = editor_client.get(url, {"state": state})
        assert [post.title for post in response.context["cl"].result_list] == [title]


def test_the_bulk_actions_publish_and_unpublish_through_the_same_rule(editor_client):
    draft = PostFactory(status=Post.Status.DRAFT, published_at=timezone.now() - datetime.timedelta(days=30))
    url = reverse("admin:blog_post_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public and timezone.now() - draft.published_at < datetime.timedelta(minutes=1)
    editor_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == "unpublished"


def test_a_second_click_on_publish_now_keeps_the_first_date(editor_client):
    post = PostFactory(status=Post.Status.DRAFT)
    with time_machine.travel(MONDAY, tick=False):
        editor_client.post(change_url(post), post_form(slug=post.slug, _publish="Publish now"))
    with time_machine.travel(MONDAY + datetime.timedelta(seconds=1), tick=False):
        editor_client.post(change_url(post), post_form(slug=post.slug, _publish="Publish now"))
    post.refresh_from_db()
    assert post.published_at == MONDAY
    assert post.revisions.filter(kind=Revision.Kind.PUBLISHED).count() == 1
