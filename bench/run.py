"""Orchestrate `make bench`: seed, serve with gunicorn, load each page and its static copy, print a table.

Each database (``BENCH_DATABASES``: SQLite, PostgreSQL or both, side by side) runs in a var dir of its
own (``DJANGO_VAR_DIR``): its own database, file cache and static root, so a developer's site and other
runs are untouched. PostgreSQL is a throwaway cluster started for the run (:mod:`bench.postgres`)
unless ``BENCH_DATABASE_URL`` names one. Sizes grow in place (1k, then 10k, then 100k posts), or are
seeded at once when only one is asked for; the table says which. Options come from flags or the
environment (``BENCH_SIZES=1000 make bench``).
"""

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.load import drive
from bench.postgres import ThrowawayPostgres, server_binaries

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "jekyll"


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _environment(var_dir: Path, database_url: str | None = None) -> dict:
    """The steps' environment: ``database_url`` (None: SQLite in the var dir) and a fresh secret."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(32),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def _run(env: dict, *args: str, timeout: int = 3600) -> dict:
    """Run a ``bench.site`` step (or manage.py when the first argument is a command) and read its JSON."""
    if args[0] in {"migrate", "collectstatic"}:
        command = [sys.executable, "manage.py", *args]
    else:
        command = [sys.executable, "-m", "bench.site", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with sync workers on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, env: dict, workers: int):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--backlog", "2048"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/robots.txt", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def _worker_status(self, field: str) -> list[float]:
        """``field`` of /proc/PID/status (in MB) for every worker."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        values = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    values.append(int(line.split()[1]) / 1024)
        return values

    def worker_peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers."""
        return max(self._worker_status("VmHWM"), default=0.0)

    def worker_rss_split_mb(self) -> tuple[float, float]:
        """The largest worker's resident set now: its own memory, and file pages it maps (SQLite's mmap),
        which the kernel shares between workers and may take back."""
        anon, files = self._worker_status("RssAnon"), self._worker_status("RssFile")
        return max(anon, default=0.0), max(files, default=0.0)

    def get(self, path: str, headers=None) -> bytes:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def measure_size(env: dict, size: int, options, static_root: Path) -> dict:
    seeded = _run(env, "seed", "--posts", str(size), "--processes", str(options.processes))
    copies = static_root / "bench" / str(size)
    probe = _run(env, "probe", "--copies", str(copies))
    server = Gunicorn(env, options.workers)
    rows = []
    try:
        for page in probe["pages"]:
            headers = {"Cookie": probe["cookie"]} if page["member"] else {}
            paths = probe["search_paths"] if page["name"] == "member search" else [page["path"]]
            for path in paths[:3]:
                server.get(path, headers)  # warm: the page cache for readers, fragments and counts for members
            load = {"seconds": options.seconds, "connections": options.connections}
            result = drive(server.base, paths, headers=headers, **load)
            static = drive(server.base, [f"/static/bench/{size}/{page['copy']}"], **load)
            rows.append({**page, "load": result.__dict__, "static": static.__dict__, "paths": len(paths)})
            _say(
                f"  {size:>7} {page['name']:<17} {result.requests_per_second:8.0f} req/s "
                f"(static {static.requests_per_second:6.0f}) p99 {result.p99_ms:.1f} ms"
            )
        peak_rss = server.worker_peak_rss_mb()
        anon, files = server.worker_rss_split_mb()
    finally:
        server.stop()
    return {
        "size": size,
        "seed": seeded,
        "rows": rows,
        "worker_peak_rss_mb": peak_rss,
        "worker_rss_anon_mb": anon,
        "worker_rss_file_mb": files,
    }


def measure_import(options, base: Path, database) -> list[dict]:
    results = []
    sources = []
    if CORPUS.is_dir():
        sources.append(("shared corpus (700 files)", CORPUS))
    if options.import_files:
        folder = base / "synthetic-jekyll"
        count = str(options.import_files)
        if not folder.is_dir():
            _run(_environment(base / "unused"), "write-jekyll", "--folder", str(folder), "--count", count)
        sources.append((f"synthetic ({options.import_files:,} files)", folder))
    for label, source in sources:
        var_dir = base / f"import-{database.key}-{len(results)}"
        env = _environment(var_dir, database.url(f"import_{len(results)}"))
        _run(env, "migrate", "--noinput", "-v0")
        outcome = _run(env, "import", "--source", str(source))
        results.append({"label": label, **outcome})
        _say(f"  import {label}: {outcome['per_second']:.0f} posts/s")
    return results


class Database:
    """One database the benchmark runs on: its name in the table, and a URL per step (None: SQLite)."""

    def __init__(self, key: str, name: str, cluster=None, url: str | None = None):
        self.key, self.name, self.cluster, self._url = key, name, cluster, url

    def url(self, step: str) -> str | None:
        """A fresh database for ``step`` on a throwaway cluster; else the one given (or SQLite's None)."""
        if self.cluster is not None:
            return self.cluster.new_database(f"bench_{step}")
        return self._url


def databases(names: list[str], stack: contextlib.ExitStack) -> list[Database]:
    """The databases asked for, PostgreSQL started when no BENCH_DATABASE_URL names one."""
    chosen = []
    for name in names:
        if name == "sqlite":
            chosen.append(Database("sqlite", f"SQLite {sqlite3.sqlite_version}"))
        elif name in {"postgres", "postgresql"}:
            given = os.environ.get("BENCH_DATABASE_URL", "")
            if given:
                chosen.append(
                    Database("postgres", "PostgreSQL (BENCH_DATABASE_URL; the imports go into it too)", url=given)
                )
            else:
                cluster = stack.enter_context(ThrowawayPostgres())
                chosen.append(
                    Database("postgres", f"PostgreSQL {cluster.version} (throwaway cluster, fsync off)", cluster)
                )
        else:
            raise SystemExit(f"bench: unknown database {name!r} in BENCH_DATABASES (sqlite, postgres)")
    return chosen


def default_databases() -> str:
    """Both when PostgreSQL is installed (or named by BENCH_DATABASE_URL), else SQLite alone."""
    if os.environ.get("BENCH_DATABASE_URL") or server_binaries() is not None:
        return "sqlite,postgres"
    return "sqlite"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} GB RAM; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def _seeding(sizes: list[int]) -> str:
    if len(sizes) == 1:
        return f"seeded at once to {sizes[0]:,} posts"
    return "seeded step by step, " + " → ".join(f"{size:,}" for size in sizes) + " posts"


def table(results: dict, options) -> str:
    """One table of pages for every database side by side, then the other measures of each."""
    runs = results["databases"]
    lines = [
        f"Benchmark of {results['date']} on {results['machine']}.",
        f"gunicorn {options.workers} sync workers, {options.connections} connections, {options.seconds} s per row, "
        f"{results['tool']}; the static copy is the same page's bytes served by whitenoise in the same run.",
        "",
    ]
    lines += [f"- {run['database']}: {_seeding([size['size'] for size in run['sizes']])}" for run in runs]
    lines += [
        "",
        "| database | posts | page | req/s | p50 ms | p99 ms | queries (cold/warm) | static copy req/s | ratio |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for size in run["sizes"]:
            for row in size["rows"]:
                load, static = row["load"], row["static"]
                name = row["name"] + (f" ({row['paths']} queries in turn)" if row["paths"] > 1 else "")
                errors = f" ({load['errors']} errors)" if load["errors"] else ""
                ceiling = static["requests_per_second"]
                ratio = f"{load['requests_per_second'] / ceiling:.2f}×" if ceiling else "–"
                lines.append(
                    f"| {run['key']} | {size['size']:,} | {name} | {load['requests_per_second']:,.0f}{errors} "
                    f"| {load['p50_ms']:.1f} | {load['p99_ms']:.1f} | {row['queries_cold']}/{row['queries_warm']} "
                    f"| {ceiling:,.0f} | {ratio} |"
                )
    lines += ["", "| database | measure | result |", "|---|---|---|"]
    for run in runs:
        key = run["key"]
        for size in run["sizes"]:
            seed = size["seed"]
            lines.append(
                f"| {key} | seeding to {size['size']:,} posts | {seed['seconds']:.0f} s "
                f"({seed['posts_added']:,} posts added, members and saved pieces included) |"
            )
            lines.append(
                f"| {key} | worker peak RSS at {size['size']:,} posts | {size['worker_peak_rss_mb']:.0f} MB "
                f"(at the end: {size['worker_rss_anon_mb']:.0f} MB its own, {size['worker_rss_file_mb']:.0f} MB "
                "mapped file pages) |"
            )
        if run.get("search"):
            search = run["search"]
            lines.append(
                f"| {key} | uncached search at {run['sizes'][-1]['size']:,} posts ({search['samples']} words, "
                f"median {search['median_matches']:,.0f} matches, counted up to {search['counted_up_to']:,}) "
                f"| p50 {search['p50_ms']:.1f} ms, p99 {search['p99_ms']:.1f} ms; CPU (site and database) "
                f"p50 {search['cpu_p50_ms']:.1f} ms, p99 {search['cpu_p99_ms']:.1f} ms |"
            )
        for item in run.get("imports", []):
            lines.append(
                f"| {key} | import {item['label']} | {item['per_second']:.0f} posts/s ({item['imported']} of "
                f"{item['files']} in {item['seconds']:.1f} s) |"
            )
    lines += [
        "",
        "Uncached search is timed in one process, word after word: wall time, and the CPU time the site's "
        "process and the database's (PostgreSQL's backend, read from /proc) spent on it, which a busy "
        "machine inflates less.",
    ]
    return "\n".join(lines) + "\n"


def measure_database(database: Database, sizes: list[int], options, base: Path) -> dict:
    var_dir = base / f"var-{database.key}"
    environment = _environment(var_dir, database.url("site"))
    _say(f"bench: {database.name}")
    _run(environment, "migrate", "--noinput", "-v0")
    _run(environment, "collectstatic", "--noinput", "-v0")
    run = {"key": database.key, "database": database.name, "sizes": []}
    for size in sizes:
        run["sizes"].append(measure_size(environment, size, options, var_dir / "staticfiles"))
    run["search"] = _run(environment, "search", "--samples", "200")
    _say(f"  uncached search: p50 {run['search']['p50_ms']:.1f} ms, p99 {run['search']['p99_ms']:.1f} ms")
    run["imports"] = measure_import(options, base, database)
    return run


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    env = os.environ.get
    parser.add_argument("--sizes", default=env("BENCH_SIZES", "1000,10000,100000"), help="post counts, comma-separated")
    parser.add_argument(
        "--databases",
        default=env("BENCH_DATABASES", default_databases()),
        help="sqlite, postgres or both, comma-separated (default: both when PostgreSQL is installed)",
    )
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_SECONDS", "10")), help="load per row")
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "8")))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "2")))
    parser.add_argument("--processes", type=int, default=int(env("BENCH_PROCESSES", "2")), help="for rendering")
    parser.add_argument("--import-files", type=int, default=int(env("BENCH_IMPORT_FILES", "10000")))
    parser.add_argument("--out", default=env("BENCH_OUT", str(ROOT / "bench" / "results" / "latest.md")))
    parser.add_argument("--keep", action="store_true", default=bool(env("BENCH_KEEP")), help="keep the var dir")
    options = parser.parse_args(argv)
    sizes = sorted(int(size) for size in options.sizes.split(",") if size.strip())
    names = [name.strip().lower() for name in options.databases.split(",") if name.strip()]

    base = Path(tempfile.mkdtemp(prefix="bench-"))
    _say(f"bench: working in {base}")
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "tool": "wrk" if shutil.which("wrk") else "Python load driver (wrk not installed)",
        "databases": [],
    }
    try:
        with contextlib.ExitStack() as stack:
            for database in databases(names, stack):
                results["databases"].append(measure_database(database, sizes, options, base))
    finally:
        if not options.keep:
            shutil.rmtree(base, ignore_errors=True)
    report = table(results, options)
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    (out.with_suffix(".json")).write_text(json.dumps(results, indent=2), encoding="utf-8")
    sys.stdout.write("\n" + report)
