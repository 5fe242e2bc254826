"""``python -m bench.member_cpu``: CPU time per request of the member pages, in one process.

Run in a var dir the benchmark has seeded (``python -m bench.site seed --posts 1000``, after ``migrate``):
the benchmark's member requests each member page of ``make bench`` and an almost empty one (``/privacy/``)
with the Django test client, and the least CPU time per request of three runs is printed. "member search,
first of a word" searches words no run has searched before (drawn afresh each time), as the first search
of each word after a change is; its CPU time includes PostgreSQL's backend, read from /proc. CPU time
(``time.process_time``) is far steadier than requests per second on a machine shared with other jobs.
``--compare COMMIT`` measures that commit's files (from ``git archive``, the repository untouched) and
this tree in turns, on the same data and session; ``--compare-database-url`` gives that commit its own
database (a copy from before a migration the older code cannot read).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(runs: int, requests: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.models import Favourite
    from bench.site import _pages

    member = Favourite.objects.values_list("user_id", flat=True).order_by("user_id").first()
    client = Client()
    client.force_login(get_user_model().objects.get(pk=member))
    paths = [(name, path) for name, path, as_member in _pages() if as_member] + [("member privacy", "/privacy/")]
    result = {}
    for name, path in paths:
        for _ in range(5):
            client.get(path)
        best = float("inf")
        for _ in range(runs):
            started = time.process_time()
            for _ in range(requests):
                client.get(path)
            best = min(best, (time.process_time() - started) * 1000 / requests)
        result[name] = best
    result["member search, first of a word"] = _first_searches(client, runs, requests)
    return result


def _first_searches(client, runs: int, requests: int) -> float:
    """The least mean CPU time (this process and the database's) of ``requests`` searches of unsearched words.

    Each process of a ``--compare`` takes its own stretch of a shuffled vocabulary (``BENCH_COLD_PART``),
    shuffled anew by each command (``BENCH_COLD_SEED``), so no search finds another's results kept.
    """
    import random

    from bench.content import vocabulary
    from bench.site import _database_cpu_reader

    words = vocabulary()[60:]
    random.Random(os.environ.get("BENCH_COLD_SEED", str(time.time_ns()))).shuffle(words)
    start = int(os.environ.get("BENCH_COLD_PART", "0")) * runs * requests
    database_cpu = _database_cpu_reader()
    best = float("inf")
    for run in range(runs):
        batch = words[start + run * requests : start + (run + 1) * requests]
        started, started_database = time.process_time(), database_cpu()
        for word in batch:
            client.get("/search/", {"q": word})
        spent = time.process_time() - started + (database_cpu() - started_database) / 1e9
        best = min(best, spent * 1000 / len(batch))
    return best


def _measure_in(root: Path, runs: int, requests: int, part: int = 0, database_url: str | None = None) -> dict:
    # This file, run against ``root``'s code (an older commit has no copy of it); run_path, not the file as
    # a script, so that bench/email.py and bench/site.py do not stand in for the standard library's.
    argv = [__file__, "--json", "--runs", str(runs), "--requests", str(requests)]
    code = f"import runpy, sys; sys.argv = {argv!r}; runpy.run_path({__file__!r}, run_name='__main__')"
    command = [sys.executable, "-c", code]
    env = {**os.environ, "PYTHONPATH": str(root), "BENCH_COLD_PART": str(part)}
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="COMMIT", help="measure this commit's files too, in turns")
    parser.add_argument("--compare-database-url", metavar="URL", help="the database the compared commit reads")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    os.environ.setdefault("BENCH_COLD_SEED", str(time.time_ns()))
    if options.json:
        print(json.dumps(measure(options.runs, options.requests)))  # noqa: T201 - read by the parent process
        return
    if not options.compare:
        for name, ms in measure(options.runs, options.requests).items():
            print(f"{name:<28} {ms:6.2f} ms")  # noqa: T201 - the command's output
        return
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "archive", options.compare], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        before, after = {}, {}
        part = 0
        for _ in range(options.runs):
            for root, into, url in ((Path(folder), before, options.compare_database_url), (ROOT, after, None)):
                part += 1
                for name, ms in _measure_in(root, 1, options.requests, part, url).items():
                    into[name] = min(into.get(name, float("inf")), ms)
    print(f"{'page':<28} {options.compare[:10]:>10} {'this tree':>10}")  # noqa: T201 - the command's output
    for name, ms in after.items():
        print(f"{name:<28} {before.get(name, float('nan')):8.2f} ms {ms:7.2f} ms")  # noqa: T201


if __name__ == "__main__":
    main()
