"""``python -m bench.import_cpu``: where an import's time goes, as ``make bench`` imports (synthetic files).

Writes ``--files`` synthetic Jekyll files (as ``make bench`` does) and imports them into an empty, freshly
migrated database: SQLite in a temporary var dir, or, with ``--database-url postgres://…/postgres`` (a
role that may create databases), a database of its own on that server, dropped afterwards. Prints posts a
second and the CPU seconds of the importing process, of its render workers and of PostgreSQL's backend (read
from /proc, so the server must run on this machine): CPU is far steadier than wall time on a shared machine.
``--compare COMMIT`` imports with that commit's files (from ``git archive``, the repository untouched) and
this tree's in turns, each into its own fresh database.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def measure(folder: str) -> dict:
    """Import ``folder`` into the configured database (run in the tree being measured)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from jekyll.importer import import_paths

    backend = _backend_cpu(connection)
    before = resource.getrusage(resource.RUSAGE_SELF)  # after Django's start, which is not the import's
    started_backend, started = backend(), time.perf_counter()
    report = import_paths([folder])
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the render workers, joined by now
    imported = sum(count for outcome, count in report.counts.items() if outcome != "failed")
    return {
        "per_second": imported / seconds,
        "seconds": seconds,
        "process_cpu": own.ru_utime + own.ru_stime - before.ru_utime - before.ru_stime,
        "workers_cpu": workers.ru_utime + workers.ru_stime,
        "database_cpu": backend() - started_backend,
    }


def _backend_cpu(connection):
    """CPU seconds PostgreSQL's backend for this connection has spent so far (0 on SQLite, or not on this machine)."""
    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def read() -> float:
        try:
            return int(stat.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0

    return read


def _psql(server: str, statement: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", server, "-c", statement], check=True, capture_output=True)


def _import_in(root: Path, folder: str, server: str | None, name: str) -> dict:
    """Migrate a fresh database with ``root``'s code and import into it, in a process of its own."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = {
            **os.environ,
            "PYTHONPATH": str(root),
            "DJANGO_VAR_DIR": var_dir,
            "DJANGO_DEBUG": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-import-cpu-not-secret"),
        }
        env.pop("DATABASE_URL", None)
        if server:
            _psql(server, f"CREATE DATABASE {name}")
            parts = urlsplit(server)
            env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            run = {"cwd": root, "env": env, "capture_output": True, "text": True, "check": True}
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
            # This file against ``root``'s code (an older commit has no copy of it), as bench.member_cpu does.
            argv = [__file__, "--json", folder]
            code = f"import runpy, sys; sys.argv = {argv!r}; runpy.run_path({__file__!r}, run_name='__main__')"
            done = subprocess.run([sys.executable, "-c", code], **run)
        finally:
            if server:
                _psql(server, f"DROP DATABASE IF EXISTS {name}")
    return json.loads(done.stdout.splitlines()[-1])


def _line(label: str, results: list[dict]) -> str:
    def median(key: str) -> float:
        return statistics.median(result[key] for result in results)

    rates = ", ".join(f"{result['per_second']:.0f}" for result in results)
    return (
        f"{label:<12} {median('per_second'):6.0f} posts/s (runs: {rates}); CPU s, medians: process "
        f"{median('process_cpu'):.2f}, render workers {median('workers_cpu'):.2f}, "
        f"database {median('database_cpu'):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="COMMIT", help="import with this commit's files too, in turns")
    parser.add_argument("--database-url", metavar="URL", help="a PostgreSQL server's postgres://…/postgres")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", metavar="FOLDER", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.json:
        print(json.dumps(measure(options.json)))  # noqa: T201 - read by the parent process
        return
    from bench.site import write_synthetic_jekyll

    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as older:
        write_synthetic_jekyll(Path(folder), options.files)
        trees = [("this tree", ROOT)]
        if options.compare:
            archive = subprocess.run(["git", "archive", options.compare], cwd=ROOT, capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", older], input=archive.stdout, check=True)
            trees.insert(0, (options.compare[:10], Path(older)))
        results: dict[str, list[dict]] = {label: [] for label, _root in trees}
        for run in range(options.runs):
            for number, (label, root) in enumerate(trees):
                name = f"bench_import_{os.getpid()}_{run}_{number}"
                results[label].append(_import_in(root, folder, options.database_url, name))
        for label, _root in trees:
            print(_line(label, results[label]))  # noqa: T201 - the command's output


if __name__ == "__main__":
    main()
