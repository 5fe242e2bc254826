"""Cache-busting requests, as the audit sent them (shared by the file-cache and Redis tests)."""

import random

SEARCH_WORDS = ("tide", "harbour", "morning", "rest", "quiet", "the")


def cache_busting_urls(count: int, *, seed: int = 12) -> list[str]:
    """``count`` URLs that named a new cache entry each under a key of path and full query string.

    Six in ten ``/?cb=N``, three ``/sitemap.xml?z=N``, one a search of the same words shuffled and
    re-cased, with a throwaway parameter on top.
    """
    rng = random.Random(seed)
    urls = []
    for n in range(count):
        kind = n % 10
        if kind < 6:
            urls.append(f"/?cb={n}")
        elif kind < 9:
            urls.append(f"/sitemap.xml?z={n}")
        else:
            words = list(SEARCH_WORDS)
            rng.shuffle(words)
            words = [word.upper() if rng.random() < 0.3 else word for word in words]
            urls.append(f"/search/?q={'+'.join(words)}&n={n}")
    return urls
