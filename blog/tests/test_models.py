"""Post: derived fields, slugs, the published() rule and case-insensitive tags."""

import datetime

import pytest
from django.utils import timezone
from taggit.models import Tag

from blog.models import Post
from blog.slugs import make_slug
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("When Connection Feels Far Away", "when-connection-feels-far-away"),
        ("Café au lait, s’il vous plaît", "cafe-au-lait-sil-vous-plait"),
        ("错误", "错误"),
        ("Привет, мир", "привет-мир"),
        ("🌱🌱", "seedling-seedling"),
        ("---", ""),
        ("  --Rest--  ", "rest"),
    ],
)
def test_make_slug_is_ascii_when_only_accents_stand_in_the_way(title, slug):
    assert make_slug(title) == slug


def test_slug_is_derived_unique_and_never_empty():
    first = Post.objects.create(title="Soft Mornings", body="One.")
    second = Post.objects.create(title="Soft mornings", body="Two.")
    emoji = Post.objects.create(title="🌙", body="Three.")
    dashes = Post.objects.create(title="---", body="Four.")
    assert (first.slug, second.slug, emoji.slug, dashes.slug) == (
        "soft-mornings",
        "soft-mornings-2",
        "crescent-moon",
        "post",
    )


def test_long_titles_fit_the_slug_column():
    # 495 characters: within the title column (PostgreSQL enforces its length) but past the slug's.
    post = Post.objects.create(title="word " * 99, body="x")
    assert 0 < len(post.slug) <= Post._meta.get_field("slug").max_length


def test_save_renders_once_and_derives_excerpt_text_and_reading_time():
    body = "First *gentle* paragraph.\n\nSecond one.\n\n" + "word " * 500
    post = Post.objects.create(title="Derived", body=body)
    assert "<em>gentle</em>" in post.body_html
    assert post.excerpt == "First gentle paragraph."
    assert "<" not in post.body_text
    assert post.reading_minutes == 3
    assert post.summary == post.excerpt


def test_front_matter_excerpt_and_description_are_kept():
    post = Post.objects.create(title="Kept", body="Body.", excerpt="Mine.", description="For search engines.")
    assert (post.excerpt, post.summary) == ("Mine.", "For search engines.")


def test_html_posts_are_sanitised_not_rendered_as_markdown():
    post = Post.objects.create(
        title="Html", body="<p>*not emphasis*</p><script>alert(1)</script>", body_format=Post.Format.HTML
    )
    assert post.body_html == "<p>*not emphasis*</p>"


def test_published_excludes_drafts_and_scheduled_posts():
    public = PostFactory()
    PostFactory(status=Post.Status.DRAFT)
    scheduled = PostFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert list(Post.objects.published()) == [public]
    assert list(Post.objects.scheduled()) == [scheduled]
    assert scheduled.is_scheduled and not scheduled.is_public


def test_tags_are_case_insensitive():
    PostFactory(tags=["Healing"])
    PostFactory(tags=["healing", "Rest"])
    assert Tag.objects.filter(name__iexact="healing").count() == 1
    assert Post.objects.filter(tags__slug="healing").count() == 2


def test_update_fields_still_rerenders_derived_fields():
    post = PostFactory(body="Old text.")
    post.body = "New *text*."
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert "<em>text</em>" in post.body_html


@pytest.mark.parametrize(("name", "slug"), [("🌱", "seedling"), ("---", "tag"), ("Rest", "rest")])
def test_no_tag_ever_gets_an_empty_slug(client, name, slug):
    PostFactory(tags=[name], title="Tagged")
    tag = Tag.objects.get(name=name)
    assert tag.slug == slug
    assert client.get("/").status_code == 200
    assert client.get(f"/tags/{tag.slug}/").status_code == 200


def test_symbol_tags_with_taken_slugs_still_get_their_own():
    PostFactory(tags=["🌱", "Seedling", "---", "!!!"])
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 4 and all(slugs)
    assert {"tag", "tag-2"} <= set(slugs)
