"""Exporting to Jekyll files and importing them back gives the same site."""

import datetime
import io

import pytest
from django.core.management import call_command
from taggit.models import Tag

from blog.models import Post
from jekyll import exporter, importer
from jekyll.tests.helpers import DEMO_POSTS, post_file, write

UTC = datetime.UTC

pytestmark = pytest.mark.django_db


# -- export and round trip -------------------------------------------------------------------------------------------


def _state() -> list[tuple]:
    rows = []
    for post in Post.objects.order_by("slug").prefetch_related("tags"):
        tags = tuple(sorted(tag.name for tag in post.tags.all()))
        rows.append(
            (
                post.slug,
                post.title,
                post.body,
                post.body_format,
                post.body_html,
                post.excerpt,
                post.description,
                post.status,
                post.published_at,
                post.legacy_url,
                tags,
                post.revised_at,
            )
        )
    return rows


@pytest.mark.corpus
def test_export_then_import_into_an_empty_database_gives_the_same_posts(tmp_path, seed_path):
    extra = tmp_path / "extra"
    write(extra, "2024-07-01-a-draft.md", post_file(title="Unfinished", extra="published: false\n"))
    write(extra, "2016-04-01-错误.html", post_file(title="错误 <em>page</em>", body="<p>HTML 🌱</p>"))
    write(
        extra,
        "2019-08-20-liquid.md",
        post_file(
            title="'Quotes: \"double\" and ''single'''",
            tags="[Code, 日本, '2013']",
            body="Literal {% raw %}{{ page.title }} and {% endraw %}{% raw %}{% endraw %}{% endraw %} text.",
            extra=(
                "date: 2019-08-20 10:00:00.5 -0500\npermalink: /en/old/path/\ndescription: Described.\n"
                "last_modified_at: 2021-02-03 04:05:06 +0100\n"
            ),
        ),
    )
    importer.import_paths([DEMO_POSTS, seed_path, extra])
    from blog.tests.factories import PostFactory

    PostFactory(title="Made in the admin", slug="Made-In-Admin", body="Typed *here*.", tags=["Admin"])
    before = _state()
    liquid = Post.objects.get(slug="liquid")
    assert liquid.body == "Literal {{ page.title }} and {% endraw %} text."
    assert liquid.revised_at == datetime.datetime(2021, 2, 3, 3, 5, 6, tzinfo=datetime.UTC)

    out = tmp_path / "export"
    call_command("export_jekyll", str(out), stdout=io.StringIO())
    Post.objects.all().delete()
    Tag.objects.all().delete()
    report = importer.import_paths([out])

    assert report.counts["failed"] == 0, [item.line() for item in report.failed]
    after = _state()
    assert len(after) == len(before) == 12
    # Posts with no old URL (one made in the admin, the seed, not named like a Jekyll post) get Jekyll's
    # default one from the exported file's name; everything else comes back as it was.
    no_old_url = {row[0] for row in before if not row[9] and row[7] == Post.Status.PUBLISHED}
    assert no_old_url == {"Made-In-Admin", "when-connection-feels-far-away"}
    assert [row[:9] + row[10:] for row in after] == [row[:9] + row[10:] for row in before]
    assert [row for row in after if row[0] not in no_old_url] == [row for row in before if row[0] not in no_old_url]


@pytest.mark.corpus
def test_exported_file_looks_like_the_seed(seed_path):
    importer.import_paths([seed_path])
    text = exporter.post_to_jekyll(Post.objects.get())
    assert text.startswith(
        "---\nlayout: post\ntitle: When Connection Feels Far Away\ndate: 2025-05-30 00:00:00 +0000\n"
        "tags: [Loneliness, Healing, Emotional Awareness, Self-Compassion]\nexcerpt: There are seasons"
    )
    # Not named like a Jekyll post (YYYY-MM-DD-title.md), the seed never had a Jekyll URL: none is made up.
    assert "permalink:" not in text and "\n---\n\n<a href=" in text
    assert exporter.file_name(Post.objects.get()) == "2025-05-30-when-connection-feels-far-away.md"


def test_protect_liquid_survives_a_jekyll_style_read():
    from jekyll import parse as jekyll

    for body in ["plain", "{{ x }}", "{% raw %}", "a {% endraw %} b", "{%- endraw -%}{{y}}", "{% if %}{% endraw %}"]:
        assert jekyll.convert_liquid(exporter.protect_liquid(body), name="x") == body


def test_very_long_slugs_get_a_file_name_the_file_system_accepts(tmp_path):
    from blog.tests.factories import PostFactory

    post = PostFactory(title="Long", slug="长" * 250)
    [path] = exporter.export_posts(tmp_path, Post.objects.all())
    assert len(path.name.encode()) < 255
    Post.objects.all().delete()
    importer.import_paths([path])
    assert Post.objects.get().slug == post.slug
