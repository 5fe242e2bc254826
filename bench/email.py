"""``python -m bench.email`` (run by ``make bench``): one essay to 10,000 subscribers, one worker.

A real SMTP server (aiosmtpd) on 127.0.0.1 takes the mail; the site runs in a var dir of its own.
Reported: the "Publish and email subscribers" request's own time at a small and at the full list (it
should not grow: the request only queues the work), the time from that request to the last message
the server accepted, and the worker's peak resident memory (VmHWM).

The ``step`` sub-command is the Django side, run in the benchmarked var dir; it prints one JSON line.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# ---- the Django side -------------------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def step_subscribers(total: int) -> dict:
    """Grow the list to ``total`` confirmed subscribers."""
    from subscriptions.models import Subscriber

    have = Subscriber.objects.count()
    Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{n}@example.org") for n in range(have, total)], batch_size=2000
    )
    return {"subscribers": Subscriber.objects.count()}


def step_publish(repeats: int, keep_last: bool) -> dict:
    """Time the admin action on fresh drafts; all but the last mailing are dropped before any worker runs."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from blog.models import Post
    from subscriptions.models import Mailing

    staff, _ = get_user_model().objects.get_or_create(
        email="bench-editor@example.org", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(staff)
    url = reverse("admin:blog_post_changelist")
    # About the size of a real essay (12 KB of Markdown), with the typography real essays have.
    sentence = "Slow mornings, warm tea and gentle care — “rest is part of the work”, she wrote. "
    body = "\n\n".join(f"{sentence * 3}See [the archive](/archive/), paragraph {n}." for n in range(45))
    seconds, slug = [], ""
    for _ in range(repeats + 1):
        slug = f"bench-essay-{secrets.token_hex(4)}"
        post = Post.objects.create(title=f"Bench essay {slug}", slug=slug, body=body, status=Post.Status.DRAFT)
        started = time.perf_counter()
        response = client.post(url, {"action": "publish_and_email", "_selected_action": [post.pk]})
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    Mailing.objects.exclude(post__slug=slug if keep_last else "").delete()
    # The first request warms the process (imports, admin registry, session): not counted.
    return {"median_ms": statistics.median(seconds[1:]) * 1000, "slug": slug, "finished_at": time.time()}


def step_statuses() -> dict:
    from django.db.models import Count

    from subscriptions.models import Delivery

    return dict(Delivery.objects.values_list("status").annotate(n=Count("pk")))


# ---- the orchestrator ------------------------------------------------------------------------------


def _environment(var_dir: Path, smtp_url: str, root: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(32),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_LOG_LEVEL="WARNING",
        EMAIL_URL=smtp_url,
        PYTHONPATH=str(root),
    )
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    return env


def _step(env: dict, root: Path, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.email", "step", *args], cwd=root, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"step {args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time the process has used (wall time on a busy machine says less)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def run(
    subscribers: int, small: int, timeout: float, root: Path = ROOT, profile: str = "", delay_ms: float = 0
) -> dict:
    """One measurement of the code in ``root`` (this tree, or an older commit's files for comparison)."""
    from subscriptions.tests.smtp import RecordingHandler, SMTPServer

    base = Path(tempfile.mkdtemp(prefix="bench-email-"))
    handler = RecordingHandler(keep_bodies=False, delay=delay_ms / 1000)
    load_before = os.getloadavg()[0]
    try:
        with SMTPServer(handler) as server:
            env = _environment(base / "var", server.url, root)
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=root, env=env, check=True)
            _step(env, root, "subscribers", str(small))
            publish_small = _step(env, root, "publish", "--repeats", "11")
            _step(env, root, "subscribers", str(subscribers))
            publish_full = _step(env, root, "publish", "--repeats", "11", "--keep-last")
            server_cpu_started = time.process_time()
            profiler = ["-m", "cProfile", "-o", profile] if profile else []
            worker = subprocess.Popen(
                [
                    sys.executable,
                    *profiler,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.1",
                ],
                cwd=root,
                env=env,
            )
            try:
                deadline = time.monotonic() + timeout
                while len(handler.accepted) < subscribers and time.monotonic() < deadline and worker.poll() is None:
                    time.sleep(0.05)
                last_delivery_s = (
                    time.time() - publish_full["finished_at"] - (time.monotonic() - handler.last_accepted_at)
                )
                peak_rss = _peak_rss_mb(worker.pid)
                worker_user, worker_system = _cpu_seconds(worker.pid)
                # This process is the SMTP server (its thread) plus a light polling loop.
                server_cpu = time.process_time() - server_cpu_started
            finally:
                worker.terminate()
                worker.wait(30)
            statuses = _step(env, root, "statuses")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {
        "subscribers": subscribers,
        "accepted": len(handler.accepted),
        "distinct_recipients": len(handler.by_recipient()),
        "publish_ms_small": publish_small["median_ms"],
        "publish_ms_full": publish_full["median_ms"],
        "small": small,
        "last_delivery_s": last_delivery_s,
        "worker_peak_rss_mb": peak_rss,
        "worker_cpu_s": worker_user + worker_system,
        "worker_user_s": worker_user,
        "worker_system_s": worker_system,
        "server_cpu_s": server_cpu,
        "load": (load_before, os.getloadavg()[0]),
        "statuses": statuses,
    }


def _report(r: dict) -> None:
    _say(f"  accepted by the SMTP server: {r['accepted']:,} ({r['distinct_recipients']:,} distinct recipients)")
    _say(f"  delivery states: {r['statuses']}")
    _say(
        f"  publish request: {r['publish_ms_small']:.1f} ms at {r['small']} subscribers, "
        f"{r['publish_ms_full']:.1f} ms at {r['subscribers']:,} (median of 11)"
    )
    _say(f"  publish to last delivery: {r['last_delivery_s']:.1f} s (target < 120 s)")
    _say(f"  worker peak RSS: {r['worker_peak_rss_mb']:.0f} MB (target < 200 MB)")
    _say(
        f"  CPU time: worker {r['worker_cpu_s']:.1f} s (user {r['worker_user_s']:.1f}, system "
        f"{r['worker_system_s']:.1f}), SMTP server {r['server_cpu_s']:.1f} s; "
        f"load average {r['load'][0]:.1f} before, {r['load'][1]:.1f} after"
    )


def _compare(reference: str, subscribers: int, timeout: float, delay_ms: float) -> None:
    """Measure ``reference`` (a commit) and this tree one after the other, then print their ratios."""
    older = Path(tempfile.mkdtemp(prefix="bench-email-ref-"))
    try:
        # The commit's files only (git archive): nothing in the repository changes.
        archive = subprocess.run(["git", "archive", reference], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(older)], input=archive, check=True)
        results = []
        for label, root in [(reference, older), ("this tree", ROOT)]:
            _say(f"{label}:")
            results.append(run(subscribers, small=100, timeout=timeout, root=root, delay_ms=delay_ms))
            _report(results[-1])
    finally:
        shutil.rmtree(older, ignore_errors=True)
    before, after = results
    _say(f"this tree against {reference} (before / after):")
    for key, name in [
        ("last_delivery_s", "publish to last delivery"),
        ("worker_cpu_s", "worker CPU"),
        ("server_cpu_s", "SMTP server CPU"),
        ("worker_peak_rss_mb", "worker peak RSS"),
        ("publish_ms_full", "publish request"),
    ]:
        _say(f"  {name}: {before[key]:.1f} / {after[key]:.1f} = {before[key] / after[key]:.2f}x")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.email", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    step = commands.add_parser("step")
    step.add_argument("name", choices=["subscribers", "publish", "statuses"])
    step.add_argument("value", nargs="?", type=int, default=0)
    step.add_argument("--repeats", type=int, default=5)
    step.add_argument("--keep-last", action="store_true")
    parser.add_argument("--subscribers", type=int, default=int(os.environ.get("BENCH_SUBSCRIBERS", "10000")))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--profile", default="", help="write the worker's cProfile statistics to this file")
    parser.add_argument("--compare", default="", metavar="COMMIT", help="measure COMMIT first, then this tree")
    parser.add_argument(
        "--server-delay-ms", type=float, default=0, help="the SMTP server waits this long to answer RCPT and DATA"
    )
    options = parser.parse_args(argv)
    if options.command == "step":
        _setup()
        if options.name == "subscribers":
            result = step_subscribers(options.value)
        elif options.name == "publish":
            result = step_publish(options.repeats, options.keep_last)
        else:
            result = step_statuses()
        sys.stdout.write(json.dumps(result) + "\n")
        return
    _say(f"bench.email: one essay to {options.subscribers:,} subscribers, one worker, local SMTP server")
    if options.compare:
        _compare(options.compare, options.subscribers, options.timeout, options.server_delay_ms)
        return
    _report(
        run(
            options.subscribers,
            small=100,
            timeout=options.timeout,
            profile=options.profile,
            delay_ms=options.server_delay_ms,
        )
    )


if __name__ == "__main__":
    main()
