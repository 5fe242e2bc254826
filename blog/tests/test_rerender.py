"""``rerender_posts``: bring stored HTML up to date after the renderer changes."""

import io

import pytest
from django.core.management import call_command

from blog.caching import content_version
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_rerender_fixes_stale_html_and_leaves_the_rest(django_capture_on_commit_callbacks):
    stale = PostFactory(body="Some *kind* words.")
    also_stale = PostFactory(body="More *kind* words.")
    fresh = PostFactory(body="Already *fine*.")
    Post.objects.filter(pk__in=[stale.pk, also_stale.pk]).update(body_html="<p>old renderer</p>")
    fresh_updated = Post.objects.get(pk=fresh.pk).updated_at

    out = io.StringIO()
    call_command("rerender_posts", "--dry-run", stdout=out)
    assert "3 posts checked, 2 would change" in out.getvalue()
    assert Post.objects.get(pk=stale.pk).body_html == "<p>old renderer</p>"

    version = content_version()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("rerender_posts", stdout=out)
    assert Post.objects.get(pk=stale.pk).body_html == "<p>Some <em>kind</em> words.</p>"
    assert Post.objects.get(pk=also_stale.pk).body_html == "<p>More <em>kind</em> words.</p>"
    assert Post.objects.get(pk=stale.pk).updated_at > stale.updated_at
    # One new content version for the run, not one as each post's transaction commits.
    assert content_version() != version
    assert callbacks == []
    assert Post.objects.get(pk=fresh.pk).updated_at == fresh_updated
