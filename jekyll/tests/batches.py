"""What the importer's batch tests share: a mixed folder, snapshots of what was written, stand-in pools."""

from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from taggit.models import Tag

from blog.models import Post
from jekyll.tests.helpers import DEMO_POSTS, MALFORMED, post_file, write

FIELDS = (
    "slug",
    "title",
    "body",
    "body_format",
    "body_html",
    "body_text",
    "excerpt",
    "description",
    "status",
    "published_at",
    "revised_at",
    "legacy_url",
    "source_path",
    "reading_minutes",
)


def posts_and_tags() -> list[tuple]:
    """Every post's stored fields and tag names: all that an import decides, ids and clocks aside."""
    return [
        (*(getattr(post, name) for name in FIELDS), tuple(sorted(tag.name for tag in post.tags.all())))
        for post in Post.objects.order_by("slug").prefetch_related("tags")
    ]


def assert_derived_fields_are_fresh() -> None:
    """What each post stores is what Post.render() derives from its body now, in this process."""
    for post in Post.objects.all():
        stored = (post.body_html, post.body_text, post.excerpt, post.reading_minutes)
        post.render()
        assert (post.body_html, post.body_text, post.excerpt, post.reading_minutes) == stored, post.slug


def mixed_folder(folder: Path) -> Path:
    """Good files of every kind and bad ones between them, more than one batch of them."""
    for name, (data, _outcome, _reason) in MALFORMED.items():
        if "big" not in name:  # the 2 MB body is test_importer's; it only makes this slow
            write(folder, name, data)
    for path in DEMO_POSTS.glob("*.md"):
        write(folder, path.name, path.read_bytes())
    write(folder, "2024-03-01-images.md", post_file(body='![a "calm" lake](/lake.jpg)\n\nIt\'s -- "fine"...'))
    write(folder, "2024-03-02-html.html", post_file(body="<p>HTML <img src=/x.png> <script>x()</script></p>"))
    write(folder, "2024-03-03-excerpt.md", post_file(body="First.\n\n<!--more-->\n\nRest.", extra="excerpt: Own\n"))
    for n in range(40):
        tags = f"[Rest, Tag{n % 7}, tag{n % 5}]"
        write(folder, f"2024-04-{n % 28 + 1:02d}-many-{n}.md", post_file(title=f"Many {n}", tags=tags, body="*x* " * n))
    return folder


def clear() -> None:
    Post.objects.all().delete()
    Tag.objects.all().delete()


class CountingPool(ProcessPoolExecutor):
    tasks: list[Future] = []

    def submit(self, *args, **kwargs):
        task = super().submit(*args, **kwargs)
        CountingPool.tasks.append(task)
        return task


class NeverStartingPool:
    """A pool whose workers never start a task: this process must take every one back."""

    def __init__(self, **options):
        pass

    def submit(self, *args, **kwargs):
        return Future()

    def shutdown(self, **options):
        pass


def post_inserts(queries) -> list[str]:
    """The INSERTs into blog_post among captured statements (however the database quotes the name)."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].lower().startswith("insert into") and "blog_post" in query["sql"].lower().split("(")[0]
    ]
