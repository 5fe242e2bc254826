"""``python -m bench.member_cpu``: CPU time per request of the member pages, in one process.

Run in a var dir the benchmark has seeded (``python -m bench.site seed --posts 1000``, after ``migrate``):
the benchmark's member requests each member page of ``make bench`` and an almost empty one (``/privacy/``)
with the Django test client, and the least CPU time per request of three runs is printed. CPU time
(``time.process_time``) is far steadier than requests per second on a machine shared with other jobs.
``--compare COMMIT`` measures that commit's files (from ``git archive``, the repository untouched) and
this tree in turns, on the same data and session.
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
    return result


def _measure_in(root: Path, runs: int, requests: int) -> dict:
    # This file, run against ``root``'s code (an older commit has no copy of it); run_path, not the file as
    # a script, so that bench/email.py and bench/site.py do not stand in for the standard library's.
    argv = [__file__, "--json", "--runs", str(runs), "--requests", str(requests)]
    code = f"import runpy, sys; sys.argv = {argv!r}; runpy.run_path({__file__!r}, run_name='__main__')"
    command = [sys.executable, "-c", code]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="COMMIT", help="measure this commit's files too, in turns")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
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
        for _ in range(options.runs):
            for root, into in ((Path(folder), before), (ROOT, after)):
                for name, ms in _measure_in(root, 1, options.requests).items():
                    into[name] = min(into.get(name, float("inf")), ms)
    print(f"{'page':<28} {options.compare[:10]:>10} {'this tree':>10}")  # noqa: T201 - the command's output
    for name, ms in after.items():
        print(f"{name:<28} {before.get(name, float('nan')):8.2f} ms {ms:7.2f} ms")  # noqa: T201


if __name__ == "__main__":
    main()
