"""Which post a Jekyll file is: its Jekyll URL is its identity, its slug only names it.

- A file is the post that has one of its old URLs (``blog.OldUrl``, or a post's own ``legacy_url``), whatever
  that post's slug is now (staff may have edited it).
- Else it is the post with its slug that came from the same file (the same source path, or one ending with
  its path inside the site) or that has no old URL at all (a draft, or a post written here).
- Else it is a new post: its slug is the file's, or, when another post has that one, the slug with the file's
  folder (``policy-ja``) or its date (``this-month-with-nim-2021-02-01``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from blog.models import OldUrl, Post
from blog.slugs import SLUG_MAX_LENGTH, make_slug


@dataclass
class Known:
    """What the database knows of a batch's files: old URLs' owners, and the posts they may be."""

    owners: dict[str, int]
    by_pk: dict[int, Post]
    by_slug: dict[str, Post]
    by_legacy: dict[str, Post]

    @classmethod
    def lookup(cls, files) -> "Known":
        """Two queries (and the tags' prefetch) for ``files``: ``(ParsedPost, source name, path in site)``."""
        urls = {url for parsed, _name, _relative in files for url in parsed.old_urls}
        owners = dict(OldUrl.objects.filter(path__in=urls).values_list("path", "post_id")) if urls else {}
        slugs = {parsed.slug for parsed, _name, _relative in files}
        found = Post.objects.filter(Q(slug__in=slugs) | Q(pk__in=set(owners.values())) | Q(legacy_url__in=urls))
        posts = list(found.prefetch_related("tags"))
        return cls(
            owners=owners,
            by_pk={post.pk: post for post in posts},
            by_slug={post.slug: post for post in posts},
            # Several posts with one legacy_url (from before old URLs had a table): the oldest, as redirects had it.
            by_legacy={post.legacy_url: post for post in sorted(posts, key=lambda post: post.pk, reverse=True)},
        )

    def post_for(self, parsed, name: str, relative_path: str) -> tuple[Post | None, bool]:
        """The post this file is, and whether it was found by an old URL."""
        for url in parsed.old_urls:
            if (post := self.by_pk.get(self.owners.get(url)) or self.by_legacy.get(url)) is not None:
                return post, True
        post = self.by_slug.get(parsed.slug)
        if post is None:
            return None, False
        same_file = post.source_path == name or (relative_path and post.source_path.endswith("/" + relative_path))
        return (post if same_file or not post.legacy_url else None), False

    def new_urls(self, parsed, post: Post) -> tuple[str, ...]:
        """The file's old URLs the post does not have yet."""
        return tuple(url for url in parsed.old_urls if self.owners.get(url) != post.pk)

    def slug_taken(self, slug: str, post: Post | None) -> bool:
        """Whether another post than ``post`` has ``slug``."""
        return slug in self.by_slug and self.by_slug[slug] is not post


def new_slug(*, parsed, relative_path: str, zone: datetime.tzinfo, taken: set[str] | dict) -> str:
    """A readable slug no post has and none in ``taken`` (this import's): with the file's first folder inside the
    site (a language, a category), else with its date (one query)."""
    short = parsed.slug[: SLUG_MAX_LENGTH - 40].rstrip("-")
    folders = [part for part in relative_path.split("/")[:-1] if part not in {"_posts", "_drafts"}]
    local = parsed.published_at.astimezone(zone)
    tried = [f"{short}-{folder}" for folder in (make_slug(name, 20) for name in folders[:1]) if folder]
    tried.append(f"{short}-{local:%Y-%m-%d}")
    tried += [f"{short}-{local:%Y-%m-%d}-{n}" for n in range(2, 50)]
    in_use = set(Post.objects.filter(slug__in=tried).values_list("slug", flat=True))
    for slug in tried:
        if slug not in in_use and slug not in taken:
            return slug
    return Post.unique_slug(f"{short}-{local:%Y-%m-%d}")
