"""The benchmark's post with responses: 200 published responses (a third of them replies) on one post.

They are written by the first fifty members, the measured member among them: the member row draws a
few of its own responses fresh (with Edit and Delete) on top of the kept threads, as a real page would.
"""

import random

RESPONSES = 200


def responses_post():
    """The post that carries the responses: a third of the way down the published list."""
    from blog.models import Post

    public = Post.objects.published().order_by("-published_at", "-pk")
    return public.only("pk", "slug", "published_at")[public.count() // 3]


def seed_responses(total: int = RESPONSES, *, seed: int = 4) -> int:
    """Give :func:`responses_post` ``total`` published responses from members with display names (idempotent)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from bench.content import Words, paragraph
    from responses.markdown import render
    from responses.models import Responder, Response

    post = responses_post()
    have = Response.objects.filter(post=post).count()
    if have >= total:
        return 0
    rng = random.Random(seed)
    words = Words(rng)
    users = list(get_user_model().objects.filter(email__startswith="member").order_by("pk")[:50])
    with transaction.atomic():
        Responder.objects.bulk_create(
            [Responder(user=user, display_name=" ".join(words.take(2)).title()) for user in users],
            ignore_conflicts=True,
        )
        tops = list(Response.objects.filter(post=post, parent=None))
        for n in range(have, total):
            body = paragraph(words)
            parent = rng.choice(tops) if tops and n % 3 == 2 else None
            row = Response.objects.create(
                post=post,
                author=rng.choice(users),
                parent=parent,
                body=body,
                body_html=render(body),
                status="published",
            )
            if parent is None:
                tops.append(row)
    return total - have
