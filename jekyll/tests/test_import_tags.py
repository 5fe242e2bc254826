"""An import's tags: a batch's names are looked up and made together, and found as taggit finds them."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from blog.models import Post
from jekyll import importer, writing
from jekyll.tests.helpers import post_file, write

pytestmark = pytest.mark.django_db


def tag_names(slug: str) -> list[str]:
    return sorted(Post.objects.get(slug=slug).tags.names())


def test_a_name_finds_the_oldest_tag_spelled_like_it_in_any_letter_case(tmp_path):
    oldest = Tag.objects.create(name="healing")
    Tag.objects.create(name="Healing")
    write(tmp_path, "2024-05-01-one.md", post_file(title="One", tags="[HEALING, Rest]"))

    importer.import_paths([tmp_path])

    assert list(Post.objects.get(slug="one").tags.all()) == [oldest, Tag.objects.get(name="Rest")]
    assert Tag.objects.count() == 3


def test_names_one_letter_case_apart_in_one_batch_share_the_first_one_s_tag(tmp_path):
    write(tmp_path, "2024-05-01-one.md", post_file(title="One", tags="[Calm]"))
    write(tmp_path, "2024-05-02-two.md", post_file(title="Two", tags="[calm, CALM]"))

    importer.import_paths([tmp_path])

    assert list(Tag.objects.values_list("name", flat=True)) == ["Calm"]
    assert tag_names("one") == tag_names("two") == ["Calm"]


def test_a_new_name_whose_slug_is_taken_gets_a_slug_of_its_own(tmp_path):
    Tag.objects.create(name="Self care")
    write(tmp_path, "2024-05-01-one.md", post_file(title="One", tags="[self-care, Rest]"))
    # Two new names with one slug in the same batch: the first is made with the others, the second on its own.
    write(tmp_path, "2024-05-02-two.md", post_file(title="Two", tags="[Slow living, slow-living]"))

    report = importer.import_paths([tmp_path])

    assert report.counts["created"] == 2
    assert tag_names("one") == ["Rest", "self-care"]
    assert tag_names("two") == ["Slow living", "slow-living"]
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 5


def test_names_beyond_ascii_are_found_and_made_as_taggit_does(tmp_path):
    accented = Tag.objects.create(name="Été")
    write(tmp_path, "2024-05-01-one.md", post_file(title="One", tags="[Été, Ça va, Rest]"))

    importer.import_paths([tmp_path])

    assert tag_names("one") == ["Rest", "Ça va", "Été"]
    assert Post.objects.get(slug="one").tags.get(name="Été") == accented
    assert Tag.objects.count() == 3


def test_importing_again_makes_no_tag_and_changes_nothing(tmp_path):
    for n in range(3):
        write(tmp_path, f"2024-05-0{n + 1}-post-{n}.md", post_file(title=f"Post {n}", tags=f"[Rest, Only{n}]"))
    importer.import_paths([tmp_path])
    tags = list(Tag.objects.order_by("pk").values_list("pk", "name", "slug"))

    again = importer.import_paths([tmp_path])

    assert again.counts["unchanged"] == 3
    assert list(Tag.objects.order_by("pk").values_list("pk", "name", "slug")) == tags


def test_when_the_batch_s_tags_cannot_go_in_together_each_is_made_on_its_own(tmp_path, monkeypatch):
    """Someone else made one of the names between the lookup and the INSERT: the INSERT fails in its savepoint
    and the names are looked up and made one by one, so the posts still get every tag, once."""
    real_bulk_create = Tag.objects.bulk_create
    failed = []

    def clashing(tags, **kwargs):
        tags = list(tags)
        real_bulk_create([Tag(name=tags[0].name, slug=tags[0].slug)])
        try:
            return real_bulk_create(tags, **kwargs)
        except IntegrityError:
            failed.append([tag.name for tag in tags])
            raise

    monkeypatch.setattr(Tag.objects, "bulk_create", clashing)
    write(tmp_path, "2024-05-01-one.md", post_file(title="One", tags="[Rest, Joy]"))
    write(tmp_path, "2024-05-02-two.md", post_file(title="Two", tags="[Joy, Calm]"))

    report = importer.import_paths([tmp_path])

    assert report.counts["created"] == 2
    assert tag_names("one") == ["Joy", "Rest"]
    assert tag_names("two") == ["Calm", "Joy"]
    assert Tag.objects.count() == 3
    assert failed[0] == ["Rest", "Joy", "Calm"]


def test_many_names_are_looked_up_a_share_at_a_time(tmp_path, monkeypatch):
    """However many tags a batch holds, no statement carries more names than a database takes at once."""
    monkeypatch.setattr(writing, "TAGS_AT_ONCE", 2)
    Tag.objects.create(name="calm")
    write(tmp_path, "2024-05-01-one.md", post_file(title="One", tags="[Rest, Joy, Calm, Slow, Kind]"))
    write(tmp_path, "2024-05-02-two.md", post_file(title="Two", tags="[kind, Rest]"))

    with CaptureQueriesContext(connection) as queries:
        importer.import_paths([tmp_path])

    lookups = [query["sql"] for query in queries if query["sql"].startswith('SELECT "taggit_tag"')]
    assert len([sql for sql in lookups if "LOWER(" in sql]) == 3
    assert tag_names("one") == ["Joy", "Kind", "Rest", "Slow", "calm"]
    assert tag_names("two") == ["Kind", "Rest"]
    assert Tag.objects.count() == 5
