import pytest


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):
    """Each test keeps its uploads in a folder of its own, never the site's var/imports."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "up"}},
    }
