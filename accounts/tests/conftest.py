"""The members' tests share the root conftest's fixtures; their post is one they can save and annotate."""

import pytest


@pytest.fixture
def post(db):
    # Imported here, as in the root conftest: a conftest is loaded by every pytest process, the xdist
    # controller too, which runs no test and need not import factory_boy (and Faker with it).
    from blog.tests.factories import PostFactory

    return PostFactory(title="Letting the kettle boil", slug="letting-the-kettle-boil", tags=["Rest", "Tea"])
