"""Fixtures shared by the blog's tests: one published post and one member."""

import pytest
from django.contrib.auth import get_user_model

from blog.tests.factories import PostFactory


@pytest.fixture
def post(db):
    return PostFactory(title="Tea in the garden", slug="tea-in-the-garden", tags=["Rest"])


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user(email="reader@example.org", password="a long password here")
