"""/saved/'s tag filter is kept between requests: per member, and read again after every change to it."""

import re

import pytest
from django.test import Client

from accounts import services
from accounts.tests.factories import MemberFactory
from blog.models import Post
from blog.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

SAVED = "/saved/"


def filter_slugs(client) -> list[str]:
    return re.findall(r'href="/saved/\?tag=([^"]+)"', client.get(SAVED).content.decode())


def client_for(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_the_filter_costs_no_query_once_kept(django_assert_num_queries):
    member = MemberFactory()
    services.favourite_add(user=member, post=PostFactory(tags=["Rest"]))
    client = client_for(member)
    with django_assert_num_queries(3):  # the user, the filter's tags, a page of rows
        client.get(SAVED)
    with django_assert_num_queries(2):  # the filter comes from the cache
        assert client.get(SAVED).status_code == 200


def test_another_member_never_sees_the_kept_filter():
    one, other = MemberFactory(), MemberFactory()
    services.favourite_add(user=one, post=PostFactory(tags=["Grief"]))
    services.favourite_add(user=other, post=PostFactory(tags=["Joy"]))
    assert filter_slugs(client_for(one)) == ["grief"]
    assert filter_slugs(client_for(other)) == ["joy"]


def test_the_filter_follows_saving_removing_and_restoring():
    member = MemberFactory()
    client = client_for(member)
    services.favourite_add(user=member, post=PostFactory(tags=["Rest"]))
    assert filter_slugs(client) == ["rest"]
    joy = PostFactory(tags=["Joy"])
    services.favourite_add(user=member, post=joy)
    assert filter_slugs(client) == ["joy", "rest"]
    services.favourite_remove(user=member, post=joy)
    assert filter_slugs(client) == ["rest"]
    key = member.favourites.get(post=joy).key
    services.favourite_restore(user=member, key=key)
    assert filter_slugs(client) == ["joy", "rest"]


def test_the_filter_follows_the_content():
    member = MemberFactory()
    client = client_for(member)
    post = PostFactory(tags=["Rest"])
    services.favourite_add(user=member, post=post)
    assert filter_slugs(client) == ["rest"]
    post.tags.add("Quiet")
    assert filter_slugs(client) == ["quiet", "rest"]
    post.status = Post.Status.DRAFT
    post.save()
    assert filter_slugs(client) == []  # nothing of a draft's
