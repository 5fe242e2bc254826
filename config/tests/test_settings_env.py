"""Configuration from the environment: the secret key rule, read in fresh processes."""

import pytest

from blog.tests.fresh_process import manage, shell

# Each test starts Python processes with a fresh environment.
pytestmark = pytest.mark.slow

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def test_no_server_starts_without_a_secret_key_when_debug_is_off(tmp_path):
    for module in ("config.wsgi", "config.asgi"):
        result = shell(f"import {module}", var_dir=tmp_path)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_without_a_key_nothing_can_sign_but_keyless_commands_run(tmp_path):
    signing = shell(PRINT_KEY, var_dir=tmp_path)
    assert signing.returncode != 0 and "SECRET_KEY" in signing.stderr
    result = manage("makemigrations", "--check", "--dry-run", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr


def test_debug_gets_a_random_development_key_kept_under_var(tmp_path):
    first = shell(PRINT_KEY, var_dir=tmp_path, DJANGO_DEBUG="1")
    second = shell(PRINT_KEY, var_dir=tmp_path, DJANGO_DEBUG="1")
    other_machine = shell(PRINT_KEY, var_dir=tmp_path / "elsewhere", DJANGO_DEBUG="1")
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip()) >= 50
    assert first.stdout == second.stdout != other_machine.stdout
    assert oct((tmp_path / "dev-secret-key").stat().st_mode & 0o777) == "0o600"


def test_the_environment_key_wins(tmp_path):
    result = shell(PRINT_KEY, var_dir=tmp_path, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="k" * 60)
    assert result.stdout.strip() == "k" * 60


def test_pictures_may_load_from_the_public_media_address_and_allowed_hosts_only(tmp_path):
    code = "from django.conf import settings; print(' '.join(settings.SECURE_CSP['img-src']))"
    plain = shell(code, var_dir=tmp_path, DJANGO_DEBUG="1")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == ["'self'", "data:"]
    configured = shell(
        code,
        var_dir=tmp_path,
        DJANGO_DEBUG="1",
        MEDIA_PUBLIC_URL="https://cdn.example.org/site-media/",
        IMAGE_ALLOWED_HOSTS="photos.example.net",
    )
    assert configured.stdout.split() == ["'self'", "data:", "https://cdn.example.org", "https://photos.example.net"]
