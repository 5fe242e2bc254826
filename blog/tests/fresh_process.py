"""Run ``manage.py`` in a fresh process with a clean environment.

Settings are read once per process from the environment, so tests of what the environment switches
(debug, HTTPS, the secret key, the SQLite options) need a process of their own: no ``DJANGO_*``
variable, ``DATABASE_URL`` or xdist marker leaks in from the test run, and ``var/`` is a temporary folder.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
_NOT_INHERITED = {"DATABASE_URL", "PYTEST_XDIST_WORKER"}


def manage(*args: str, var_dir, **env: str) -> subprocess.CompletedProcess:
    """``python manage.py *args`` with only ``env`` (and a private ``DJANGO_VAR_DIR``) configuring it."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_") and key not in _NOT_INHERITED
    }
    environment.update({"DJANGO_VAR_DIR": str(var_dir), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def shell(code: str, *, var_dir, **env: str) -> subprocess.CompletedProcess:
    """Run Python ``code`` after Django's set-up, in a fresh process."""
    return manage("shell", "--no-imports", "-c", code, var_dir=var_dir, **env)
