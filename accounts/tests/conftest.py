"""Fixtures for the members' tests: members, a logged-in client, a CSRF-checking client, posts."""

import pytest
from django.test import Client

from accounts.tests.factories import MemberFactory
from blog.tests.factories import PostFactory


@pytest.fixture
def member(db):
    return MemberFactory(email="ann@example.org")


@pytest.fixture
def other_member(db):
    return MemberFactory(email="bea@example.org")


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def csrf_client(member):
    """A logged-in client that, like a browser, must prove every POST with a CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


@pytest.fixture
def post(db):
    return PostFactory(title="Letting the kettle boil", slug="letting-the-kettle-boil", tags=["Rest", "Tea"])
