"""Production defaults that protect members: the database file's mode and whose word an address is."""

import stat

import pytest

from blog.tests.fresh_process import manage, shell

KEY = "k" * 60


@pytest.mark.slow
def test_the_sqlite_file_is_created_readable_by_the_site_alone(tmp_path):
    result = manage("migrate", "--no-input", var_dir=tmp_path, DJANGO_SECRET_KEY=KEY)
    assert result.returncode == 0, result.stderr
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        path = tmp_path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert (tmp_path / "db.sqlite3").exists()


@pytest.mark.slow
def test_behind_https_no_proxy_is_trusted_unless_one_is_set(tmp_path):
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    https = {"DJANGO_SECRET_KEY": KEY, "DJANGO_HTTPS": "1", "DJANGO_ALLOWED_HOSTS": "example.org"}
    result = shell(code, var_dir=tmp_path, **https)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "0"]
    result = shell(code, var_dir=tmp_path, DJANGO_TRUSTED_PROXY_COUNT="1", **https)
    assert result.stdout.split() == ["1", "1"]
