"""Fixtures shared by the importer's tests."""

import pytest

from jekyll.tests.helpers import SEED


@pytest.fixture
def seed_path():
    if not SEED.exists():
        pytest.skip(f"{SEED} is missing: these tests read the seed post from ../shared beside the clone")
    return SEED
