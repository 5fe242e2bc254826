"""Configuration from the environment: the secret key rule, read in fresh processes."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def settings_process(tmp_path, code=f"import django; django.setup(); {PRINT_KEY}", **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_VAR_DIR": str(tmp_path), **env})
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True)


def test_no_server_starts_without_a_secret_key_when_debug_is_off(tmp_path):
    for module in ("config.wsgi", "config.asgi"):
        result = settings_process(tmp_path, code=f"import {module}")
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_without_a_key_nothing_can_sign_but_keyless_commands_run(tmp_path):
    signing = settings_process(tmp_path)
    assert signing.returncode != 0 and "SECRET_KEY" in signing.stderr
    command = [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_debug_gets_a_random_development_key_kept_under_var(tmp_path):
    first = settings_process(tmp_path, DJANGO_DEBUG="1")
    second = settings_process(tmp_path, DJANGO_DEBUG="1")
    other_machine = settings_process(tmp_path / "elsewhere", DJANGO_DEBUG="1")
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip()) >= 50
    assert first.stdout == second.stdout != other_machine.stdout
    assert oct((tmp_path / "dev-secret-key").stat().st_mode & 0o777) == "0o600"


def test_the_environment_key_wins(tmp_path):
    result = settings_process(tmp_path, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="k" * 60)
    assert result.stdout.strip() == "k" * 60
