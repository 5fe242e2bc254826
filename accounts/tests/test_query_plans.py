"""A member's reads use indexes: EXPLAIN (SQLite and PostgreSQL) shows no full scan of saved pieces,
posts or taggings, however many members and pieces there are (how: blog/tests/plans.py)."""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts import saved_pieces
from accounts.models import Favourite
from blog.tests.plans import assert_no_full_scan, make_posts_and_tags

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def data(module_db):
    """Made once: every test here only reads it (and plans queries over it)."""
    django_user_model = get_user_model()
    posts, tags = make_posts_and_tags()
    member = django_user_model.objects.create_user(email="m@example.org", password="pw")
    others = [django_user_model.objects.create_user(email=f"o{i}@example.org", password="pw") for i in range(5)]
    Favourite.objects.bulk_create(
        Favourite(user=user, post=post, post_title=post.title) for user in [member, *others] for post in posts[:40]
    )
    return {"tag": tags[3], "member": member}


def test_a_page_of_saved_pieces(data):
    rows = saved_pieces.saved_rows_queryset(user=data["member"])
    text = assert_no_full_scan(rows[0:20])
    assert re.search(r"Index.* on accounts_favourite|SEARCH accounts_favourite USING", text)
    assert_no_full_scan(saved_pieces.saved_rows_queryset(user=data["member"], tag=data["tag"])[20:40])


def test_tags_of_saved_pieces(data):
    assert_no_full_scan(saved_pieces.saved_tags_queryset(user=data["member"]))


def test_which_posts_the_member_saved(data):
    assert_no_full_scan(saved_pieces.saved_post_ids_queryset(user=data["member"]))
