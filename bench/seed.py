"""Bulk-write synthetic posts, tags, members and saved pieces (Django must be set up by the caller).

Speed comes from bulk writes, not one ``save()`` per post: bodies are pre-rendered
(:mod:`bench.content`), rows go in with ``bulk_create`` in chunks of one transaction each, and
the tag links of a chunk are written *before* its posts. The foreign key is checked at commit,
so this is allowed, and the search index triggers then see every post's tags as the post goes
in, instead of rewriting its index row once per tag.
"""

import datetime
import itertools
import math
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from bench.content import Words, body, render_blocks

CHUNK = 1000
TAGS = 2000
MEMBERS = 10_000
FAVOURITES = 200_000
MEMBER_PASSWORD = "bench-member-password"


@dataclass
class SeedReport:
    posts: int = 0
    tags: int = 0
    members: int = 0
    favourites: int = 0
    seconds: dict = field(default_factory=dict)


def _fast_sqlite_writes() -> None:
    """A throwaway benchmark database needs no durability while it is being filled."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")


def _reset_sequences(*models) -> None:
    """After explicit ids, PostgreSQL's sequences must be told where to continue."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def seed_tags(rng: random.Random, words: Words, count: int = TAGS) -> list:
    from taggit.models import Tag

    existing = list(Tag.objects.order_by("pk"))
    if len(existing) >= count:
        return existing[:count]
    names, seen = [], {tag.name.lower() for tag in existing}
    while len(existing) + len(names) < count:
        name = " ".join(words.rare(rng.choice((1, 1, 2)))).capitalize()
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    Tag.objects.bulk_create([Tag(name=name, slug=slugify(name)) for name in names], batch_size=CHUNK)
    return list(Tag.objects.order_by("pk"))


def seed_posts(total: int, *, seed: int = 1, blocks: int = 4000, processes: int = 2) -> SeedReport:
    """Add posts until there are ``total``; with tags, bodies of 600–2,000 words, a few drafts and scheduled."""
    from blog import markdown
    from blog.caching import bump_content_version
    from blog.models import Post, TaggedPost

    report = SeedReport()
    started = time.perf_counter()
    _fast_sqlite_writes()
    have = Post.objects.count()
    if have >= total:
        return report
    rng = random.Random(seed + have)
    words = Words(rng)
    tags = seed_tags(rng, words)
    report.tags = len(tags)
    tag_weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(tags))))
    rendered = render_blocks(blocks, processes=processes)
    report.seconds["render"] = time.perf_counter() - started

    now = timezone.now()
    next_id = (Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    write_started = time.perf_counter()
    for chunk_start in range(have, total, CHUNK):
        posts, links = [], []
        for n in range(chunk_start, min(chunk_start + CHUNK, total)):
            post_id = next_id + n - have
            title = " ".join(words.take(rng.randint(3, 7))).capitalize()
            text = body(rendered, rng)
            roll = rng.random()
            status = Post.Status.DRAFT if roll < 0.02 else Post.Status.PUBLISHED
            if roll > 0.99:
                published_at = now + datetime.timedelta(days=rng.randint(1, 60))
            else:
                published_at = now - datetime.timedelta(seconds=rng.randint(60, 10 * 365 * 24 * 3600))
            posts.append(
                Post(
                    id=post_id,
                    title=title,
                    slug=f"{slugify(title)[:200]}-{post_id}",
                    body=text.markdown,
                    body_html=text.html,
                    body_text=text.text,
                    excerpt=markdown.first_paragraph(text.first_html),
                    status=status,
                    published_at=published_at,
                    # markdown.reading_minutes looks at every character for wide scripts; the synthetic
                    # words are ASCII, for which it is this (and the per-character scan took most of the time).
                    reading_minutes=max(1, math.ceil(text.words / 220)),
                )
            )
            chosen = {tags[i].pk for i in _weighted_indexes(rng, tag_weights, rng.randint(3, 5))}
            links.extend(TaggedPost(content_object_id=post_id, tag_id=tag_id) for tag_id in chosen)
        with transaction.atomic():
            TaggedPost.objects.bulk_create(links, batch_size=CHUNK)
            Post.objects.bulk_create(posts, batch_size=200)
        report.posts += len(posts)
    _reset_sequences(Post, TaggedPost)
    # bulk_create sends no signals, so nothing told the site its posts had changed: a run seeded step by step
    # then served each size the pages of hits and cards it had kept at the size before.
    bump_content_version()
    report.seconds["posts"] = time.perf_counter() - write_started
    return report


def _weighted_indexes(rng: random.Random, cumulative: list[float], k: int) -> set[int]:
    chosen: set[int] = set()
    population = range(len(cumulative))
    while len(chosen) < k:
        chosen.update(rng.choices(population, cum_weights=cumulative, k=k - len(chosen)))
    return chosen


def seed_members(count: int = MEMBERS, favourites: int = FAVOURITES, *, seed: int = 2) -> SeedReport:
    """``count`` members (one shared password hash) and ``favourites`` saved pieces spread among them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.models import Favourite
    from blog.models import Post

    report = SeedReport()
    started = time.perf_counter()
    _fast_sqlite_writes()
    User = get_user_model()
    have = User.objects.filter(email__startswith="member").count()
    if have < count:
        password = make_password(MEMBER_PASSWORD)
        User.objects.bulk_create(
            [User(email=f"member{i}@example.org", password=password) for i in range(have, count)], batch_size=CHUNK
        )
        report.members = count - have
    have_favourites = Favourite.objects.count()
    if have_favourites < favourites:
        rng = random.Random(seed)
        user_ids = list(User.objects.filter(email__startswith="member").values_list("pk", flat=True))
        posts = list(Post.objects.published().values_list("pk", "title"))
        pairs = set(Favourite.objects.values_list("user_id", "post_id"))
        wanted = favourites - have_favourites
        rows = []
        while len(rows) < wanted:
            user_id, (post_id, title) = rng.choice(user_ids), rng.choice(posts)
            if (user_id, post_id) not in pairs:
                pairs.add((user_id, post_id))
                rows.append(Favourite(user_id=user_id, post_id=post_id, post_title=title))
        for start in range(0, len(rows), 10 * CHUNK):
            with transaction.atomic():
                Favourite.objects.bulk_create(rows[start : start + 10 * CHUNK], batch_size=CHUNK)
        report.favourites = len(rows)
    report.seconds["members"] = time.perf_counter() - started
    return report
