"""``module_db`` (the root conftest): rows made once for a module are seen by each of its tests, and each
test's own writes are still rolled back before the next."""

import pytest

from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def made_once(module_db):
    return PostFactory(title="Made once", slug="made-once")


def test_a_test_sees_the_modules_rows_and_writes_its_own(made_once):
    assert list(Post.objects.values_list("pk", "title")) == [(made_once.pk, "Made once")]
    Post.objects.filter(pk=made_once.pk).update(title="Changed by a test")
    PostFactory(title="Added by a test")
    assert Post.objects.count() == 2


def test_the_next_test_finds_the_rows_as_they_were_made(made_once):
    assert list(Post.objects.values_list("pk", "title")) == [(made_once.pk, "Made once")]
