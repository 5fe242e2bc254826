"""The start-up checks: the request guard lets the largest upload through; uploads are never public."""

from imports.checks import check_import_settings


def test_the_default_settings_pass():
    assert check_import_settings(None) == []


def test_an_upload_cap_above_the_request_guard_is_an_error(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = settings.MAX_REQUEST_BYTES
    assert [problem.id for problem in check_import_settings(None)] == ["imports.E001"]


def test_uploads_kept_under_the_media_folder_are_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "up"}},
    }
    assert [problem.id for problem in check_import_settings(None)] == ["imports.E002"]
