"""A real copy of the site for tests that need real processes: gunicorn workers on 127.0.0.1, in
production-like settings (debug off, collected static files), over a database of its own.

The database is a SQLite file in the test's folder; when the test run itself is on PostgreSQL
(``DATABASE_URL`` names one), a scratch PostgreSQL database is created beside the test database and
dropped afterwards, so these tests cover both engines as the rest of the suite does.
"""

import atexit
import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30

_collected_static: Path | None = None
_migrated_sqlite: Path | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _collected_static_dir() -> Path:
    """Static files collected once per test process (production storage needs the manifest)."""
    global _collected_static
    if _collected_static is None:
        var_dir = Path(tempfile.mkdtemp(prefix="site-static-"))
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
        env = environment(var_dir)
        manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
        _collected_static = var_dir / "staticfiles"
    return _collected_static


def _migrated_sqlite_file() -> Path:
    """A freshly migrated SQLite database, made once per test process and copied for each site."""
    global _migrated_sqlite
    if _migrated_sqlite is None:
        var_dir = Path(tempfile.mkdtemp(prefix="site-db-"))
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
        manage(environment(var_dir), "migrate", "--noinput", "-v0")
        _migrated_sqlite = var_dir / "db.sqlite3"
    return _migrated_sqlite


def environment(var_dir: Path, *, database_url: str | None = None, port: int | None = None) -> dict[str, str]:
    """The environment of a production-like site whose files live under ``var_dir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "REDIS_URL", "DATABASE_URL", "SITE_URL"))
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": "server-tests-" + secrets.token_hex(24),
            "DJANGO_VAR_DIR": str(var_dir),
            "DJANGO_CACHE_DIR": str(var_dir / "cache"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{port or 8000}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env, *args, timeout=180, check=True, input=None) -> subprocess.CompletedProcess:
    """Run ``manage.py`` with ``env``; on failure the error says what the command printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def run_python(env, code: str):
    """Run ``code`` in the site's shell; it prints one JSON document, which is returned decoded."""
    output = manage(env, "shell", "--no-imports", "-c", code).stdout.strip().splitlines()
    return json.loads(output[-1])


@contextlib.contextmanager
def postgres_scratch_database(base_url: str):
    """A new, empty PostgreSQL database beside the one ``base_url`` names; dropped afterwards."""
    import psycopg

    parts = urlsplit(base_url)
    name = f"site_scratch_{secrets.token_hex(6)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def site_database(var_dir: Path, *, engine: str | None = None):
    """Yield the ``DATABASE_URL`` of a fresh, migrated database (None: the SQLite file under ``var_dir``).

    ``engine`` is "sqlite" or "postgresql"; by default the engine this test run uses.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    run_url = os.environ.get("DATABASE_URL", "")
    if engine is None:
        engine = "postgresql" if run_url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if engine == "postgresql":
        with postgres_scratch_database(run_url) as url:
            manage(environment(var_dir, database_url=url), "migrate", "--noinput", "-v0")
            yield url
    else:
        # The migrating process has exited, so its WAL is checkpointed into the file: a plain copy is whole.
        shutil.copyfile(_migrated_sqlite_file(), var_dir / "db.sqlite3")
        yield None


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(var_dir: Path, *, database_url: str | None = None, workers: int = 2):
    """Serve the site with gunicorn on a free port of 127.0.0.1; yield ``(port, env)``; stop it after."""
    static = var_dir / "staticfiles"
    if not static.exists():
        static.symlink_to(_collected_static_dir(), target_is_directory=True)
    port = free_port()
    env = environment(var_dir, database_url=database_url, port=port)
    log = (var_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {(var_dir / 'gunicorn.log').read_text()}")
            with contextlib.suppress(OSError):
                if _get(port, "/healthz") == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not answer in time: {(var_dir / 'gunicorn.log').read_text()}")
            time.sleep(0.2)
        yield port, env
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
