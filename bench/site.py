"""The benchmark's Django side, run as ``python -m bench.site <step>`` in the benchmarked var dir.

Each step prints one JSON line for :mod:`bench.run`:
``seed`` fills the database, ``probe`` counts each page's queries, saves each page's bytes for
the static comparison and logs a member in, ``search`` times uncached searches, ``import``
times the Jekyll importer.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def step_seed(args) -> dict:
    from bench.seed import seed_members, seed_posts
    from blog.database import refresh_planner_statistics

    started = time.perf_counter()
    posts = seed_posts(args.posts, processes=args.processes)
    members = seed_members(args.members, args.favourites)
    from bench.responses import seed_responses

    seed_responses()
    # As an import does (statistics; on PostgreSQL a VACUUM of the post, tag and search tables). The seed also
    # writes what no import does (members, saved pieces, responses), hence the whole database's VACUUM after.
    refresh_planner_statistics()
    seconds = time.perf_counter() - started
    vacuum_seconds = _vacuum_after_bulk_load()
    return {
        "posts_added": posts.posts,
        "seconds": seconds,
        "vacuum_seconds": vacuum_seconds,
        "render_seconds": posts.seconds.get("render", 0),
        "post_seconds": posts.seconds.get("posts", 0),
        "member_seconds": members.seconds.get("members", 0),
    }


def _vacuum_after_bulk_load() -> float:
    """PostgreSQL: ``VACUUM (ANALYZE)`` now, as PostgreSQL's docs advise after a bulk load (seconds taken).

    Otherwise autovacuum's first pass over what was just written (at 100,000 posts, a gigabyte of search
    vectors) runs while the rows are measured, and the rows after seeding measure it too.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def _pages():
    """The pages to measure: (name, path, as member?)."""
    from django.db.models import Count
    from taggit.models import Tag

    from blog.models import Post

    public = Post.objects.published().order_by("-published_at")
    post = public.only("slug")[public.count() // 2]
    tag = Tag.objects.annotate(n=Count("blog_taggedpost_items")).order_by("-n").first()
    from bench.responses import responses_post

    answered = responses_post().get_absolute_url()
    return [
        ("anonymous home", "/", False),
        ("anonymous post", post.get_absolute_url(), False),
        ("anonymous tag", f"/tags/{tag.slug}/", False),
        ("anonymous search", f"/search/?q={search_words()[0]}", False),
        ("anonymous 200 responses", answered, False),
        ("member home", "/", True),
        ("member post", post.get_absolute_url(), True),
        ("member saved", "/saved/", True),
        ("member search", f"/search/?q={search_words()[0]}", True),
        ("member 200 responses", answered, True),
        ("media picture", _bench_picture_path(), False),
    ]


def _bench_picture_path() -> str:
    """A stored picture's 960 px copy (what a tablet fetches), served by the site from media storage."""
    import io

    from PIL import Image as PillowImage

    from blog.images import store_image

    gradient = PillowImage.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    data = io.BytesIO()
    gradient.save(data, format="JPEG", quality=90)
    image = store_image(data=data.getvalue(), alt_text="A soft gradient")
    return f"/media/{image.rendition_name(960)}"


def search_words(count: int = 200) -> list[str]:
    """Words across the curve: a few common, mostly mid-frequency and rare (as readers search)."""
    from bench.content import vocabulary

    words = vocabulary()
    rng = random.Random(5)
    return [words[60], *rng.sample(words[60:600], count // 2), *rng.sample(words[600:], count // 2 - 1)]


def step_probe(args) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Favourite

    copies = Path(args.copies)
    copies.mkdir(parents=True, exist_ok=True)
    anonymous = Client()
    member_id = Favourite.objects.values_list("user_id", flat=True).order_by("user_id").first()
    from django.contrib.auth import get_user_model

    member = Client()
    member.force_login(get_user_model().objects.get(pk=member_id))
    pages = []
    for index, (name, path, as_member) in enumerate(_pages()):
        client = member if as_member else anonymous
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as warm:
            response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        copy = copies / f"page-{index}{Path(path).suffix or '.html'}"
        copy.write_bytes(body)
        pages.append(
            {
                "name": name,
                "path": path,
                "member": as_member,
                "queries_cold": len(cold),
                "queries_warm": len(warm),
                "bytes": len(body),
                "copy": copy.name,
            }
        )
    cache.clear()
    # What a member's browser sends after its first page: the session and the CSRF cookie (without the
    # latter every page would mint a new CSRF secret and set the cookie again).
    names = [name for name in ("sessionid", "csrftoken") if name in member.cookies]
    cookie = "; ".join(f"{name}={member.cookies[name].value}" for name in names)
    return {"pages": pages, "cookie": cookie, "search_paths": [f"/search/?q={w}" for w in search_words()]}


def _database_cpu_reader():
    """A function giving the CPU nanoseconds the database has spent for this connection so far.

    SQLite runs in this process (counted by ``thread_time``); PostgreSQL's backend is a process of its own,
    whose time /proc reads when the server runs on this machine (else 0: wall time only).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def read() -> int:
        try:
            return int(stat.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    return read


def _percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def step_search(args) -> dict:
    """Uncached search: the ranked page with snippets and the count, straight from the backend.

    Wall time and CPU time (this process's and the database's), so a busy machine can be told apart
    from a slow query.
    """
    from blog import search

    backend = search.backend()
    database_cpu = _database_cpu_reader()
    timings, cpu, matches = [], [], []
    for word in search_words(args.samples):
        words = search.terms(word)
        started, started_cpu, started_db = time.perf_counter(), time.thread_time_ns(), database_cpu()
        rows, count = backend.page(words, None, 0, 10)
        if count is None:  # the page's query could not tell: what the view would then ask
            count = backend.count(words, None)
        search.Results(word)  # what the view builds around them
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time_ns() - started_cpu + database_cpu() - started_db) / 1e6)
        matches.append(count)
        assert len(rows) <= 10
    return {
        "p50_ms": statistics.median(timings),
        "p99_ms": _percentile(timings, 0.99),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p99_ms": _percentile(cpu, 0.99),
        "median_matches": statistics.median(matches),
        "counted_up_to": backend.ranked() + 1,
        "samples": len(timings),
    }


def step_import(args) -> dict:
    from jekyll.importer import import_paths

    started = time.perf_counter()
    report = import_paths([args.source])
    seconds = time.perf_counter() - started
    imported = sum(count for outcome, count in report.counts.items() if outcome != "failed")
    return {"files": len(report.outcomes), "imported": imported, "seconds": seconds, "per_second": imported / seconds}


def write_synthetic_jekyll(folder: Path, count: int, *, seed: int = 3) -> None:
    """``count`` Jekyll posts with front matter and 600–2,000-word Markdown bodies."""
    from bench.content import Words, paragraph

    rng = random.Random(seed)
    words = Words(rng)
    posts = folder / "_posts"
    posts.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        title = " ".join(words.take(rng.randint(3, 7))).capitalize()
        day = f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        tags = ", ".join(words.rare(rng.randint(1, 4)))
        target, parts, total = rng.randint(600, 2000), [], 0
        while total < target:
            parts.append(paragraph(words))
            total += len(parts[-1].split())
        text = "\n\n".join(parts)
        (posts / f"{day}-post-{n}.md").write_text(
            f'---\ntitle: "{title}"\ntags: [{tags}]\n---\n\n{text}\n', encoding="utf-8"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.site")
    steps = parser.add_subparsers(dest="step", required=True)
    seed = steps.add_parser("seed")
    seed.add_argument("--posts", type=int, required=True)
    seed.add_argument("--members", type=int, default=10_000)
    seed.add_argument("--favourites", type=int, default=200_000)
    seed.add_argument("--processes", type=int, default=2)
    probe = steps.add_parser("probe")
    probe.add_argument("--copies", required=True)
    search = steps.add_parser("search")
    search.add_argument("--samples", type=int, default=200)
    imports = steps.add_parser("import")
    imports.add_argument("--source", required=True)
    synthetic = steps.add_parser("write-jekyll")
    synthetic.add_argument("--folder", required=True)
    synthetic.add_argument("--count", type=int, required=True)
    args = parser.parse_args(argv)
    if args.step == "write-jekyll":
        write_synthetic_jekyll(Path(args.folder), args.count)
        result = {"written": args.count}
    else:
        _setup()
        result = {"seed": step_seed, "probe": step_probe, "search": step_search, "import": step_import}[args.step](args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
