"""The members' tests share the root conftest's fixtures; their post is one they can save and annotate."""

import pytest

from blog.tests.factories import PostFactory


@pytest.fixture
def post(db):
    return PostFactory(title="Letting the kettle boil", slug="letting-the-kettle-boil", tags=["Rest", "Tea"])
