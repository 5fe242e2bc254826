"""What the importer's test modules share: demo posts, small file writers and the malformed-file suite."""

from pathlib import Path

from blog.models import Post
from jekyll import importer

REPO = Path(__file__).resolve().parents[2]
DEMO_POSTS = REPO / "content" / "posts"
# ../shared is beside the clone in CI; tests that read it carry the `corpus` marker.
SEED = REPO.parent / "shared" / "seed" / "000_a2c7359f646ef816.txt"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def post_file(title="A Gentle Start", tags="[Rest, Joy]", body="Hello *there*.", extra="") -> str:
    return f"---\nlayout: post\ntitle: {title}\ntags: {tags}\n{extra}---\n\n{body}\n"


def outcomes(report) -> dict[str, importer.FileOutcome]:
    return {Path(item.name).name: item for item in report.outcomes}


LONG_TITLE = ("Rest " * 100)[:500]
TWO_MB_BODY = ("A calm sentence about resting well. " * 30 + "\n\n") * 2000
MALFORMED = {
    # name: (bytes, expected outcome, reason fragment or None)
    "2024-02-01-invalid-yaml.md": (b"---\ntitle: [unclosed\n---\nBody\n", "failed", "invalid YAML in front matter"),
    "2024-02-02-unclosed.md": (b"---\ntitle: Open\nBody\n", "failed", "never closed"),
    "2024-02-03-missing-title.md": (b"---\ntags: [Rest]\n---\nBody\n", "created", None),
    "2024-02-04-dated-name-no-date.md": (b"---\ntitle: Named\n---\nBody\n", "created", None),
    "undated-name-no-date.md": (b"---\ntitle: Lost\n---\nBody\n", "failed", "no date"),
    "2024-02-05-impossible.md": (b"---\ntitle: T\ndate: 2024-02-30\n---\nBody\n", "failed", "impossible date"),
    "2024-02-31-impossible-name.md": (b"---\ntitle: T\n---\nBody\n", "failed", "impossible date"),
    "2024-02-06-zoned.md": (b"---\ntitle: Zoned\ndate: 2024-02-06 23:30:00 -0500\n---\nBody\n", "created", None),
    "2024-02-07-tag-string.md": (b"---\ntitle: S\ntags: paas phoenix\n---\nBody\n", "created", None),
    "2024-02-08-tag-dupes.md": (b"---\ntitle: D\ntags: [Rest, rest, REST, ' Joy ']\n---\nB\n", "created", None),
    "2024-02-09-emoji.md": (
        "---\ntitle: Ça va 🌱 日本\ntags: [🌱, Ünïcode, 日本]\nexcerpt: ✨ ok\n---\nBody 🌸 ü\n".encode(),
        "created",
        None,
    ),
    "2024-02-10-crlf.md": (b"---\r\ntitle: Windows\r\n---\r\nLine 1\r\nLine 2\r\n", "created", None),
    "2024-02-11-bom.md": (b"\xef\xbb\xbf---\ntitle: BOM\n---\nBody\n", "created", None),
    "2024-02-12-latin1.md": (
        "---\ntitle: Café\n---\nBody\n".encode("latin-1"),
        "failed",
        "not UTF-8: byte 0xe9 at offset",
    ),
    "2024-02-13-empty.md": (b"", "failed", "empty file"),
    "2024-02-14-big.md": (f"---\ntitle: Big\n---\n{TWO_MB_BODY}".encode(), "created", None),
    "2024-02-15-long-title.md": (f"---\ntitle: {LONG_TITLE}\n---\nBody\n".encode(), "created", None),
    "2024-02-16-draft.md": (b"---\ntitle: Not yet\npublished: false\n---\nBody\n", "draft", None),
    # One Jekyll URL, two files: on the Jekyll site one overwrote the other.
    "2024-02-17-same-slug.md": (b"---\ntitle: First claim\nslug: shared\npermalink: /s/\n---\nBody\n", "created", None),
    "2024-02-18-same-slug.md": (
        b"---\ntitle: Second claim\nslug: shared\npermalink: /s/\n---\nBody\n",
        "failed",
        "same Jekyll URL /s/ as",
    ),
    # One slug, another Jekyll URL: another post, under a slug of its own.
    "2024-02-22-same-slug.md": (b"---\ntitle: Third claim\nslug: shared\n---\nBody\n", "created", None),
    "2024-02-19-not-a-mapping.md": (b"---\n- a\n- b\n---\nBody\n", "failed", "must be a mapping"),
    "2024-02-20-no-front-matter.md": (b"Just text\n", "failed", "no front matter"),
    "2024-02-21-bad-date-fallback.md": (b"---\ntitle: F\ndate: 2024-02-21 1:2 x\n---\nB\n", "created", None),
}


def snapshot() -> list[tuple]:
    """Every post with its tags, for comparing the database before and after."""
    rows = []
    for post in Post.objects.order_by("slug").prefetch_related("tags"):
        tags = tuple(sorted(tag.name for tag in post.tags.all()))
        rows.append((post.pk, post.slug, post.title, post.body, post.status, post.published_at, tags, post.updated_at))
    return rows
