"""One file's way through an import (:mod:`jekyll.pipeline`): where it is, what became of it, its outcome.

The steps share these: reading (:mod:`jekyll.reading`), rendering (:mod:`jekyll.rendering`), writing
(:mod:`jekyll.writing`).
"""

from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from blog.models import Post
from jekyll import parse as jekyll
from jekyll.site import Site

SOURCE_PATH_MAX_LENGTH = Post._meta.get_field("source_path").max_length
CREATED, UPDATED, UNCHANGED, DRAFT, FAILED = "created", "updated", "unchanged", "draft", "failed"


@dataclass(frozen=True)
class SourceFile:
    """One file to read: where it is, how to name it in messages, and whether Jekyll would call it a draft."""

    path: Path
    name: str
    in_drafts: bool = False
    # The Jekyll site it belongs to, and its path there (``_posts/en/2018-07-20-x.md``).
    site: Site | None = None
    relative_path: str = ""
    # The folder it was found in: a link out of it is not followed.
    root: Path | None = None


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file. ``change`` says created/updated/unchanged for drafts too."""

    name: str
    outcome: str
    change: str = ""
    slug: str = ""
    reason: str = ""
    warnings: tuple[str, ...] = ()

    def line(self) -> str:
        label = f"{self.outcome} ({self.change})" if self.outcome == DRAFT else self.outcome
        text = f"{label:<17} {self.name}"
        if self.slug:
            text += f" -> /posts/{self.slug}/"
        if self.reason:
            text += f": {self.reason}"
        return text


@dataclass
class Item:
    """One file on its way through the import: read and parsed, compared, rendered, written."""

    source: SourceFile
    size: int = 0
    parsed: jekyll.ParsedPost | None = None
    failure: FileOutcome | None = None  # it could not be read or parsed
    post: Post | None = None  # the post it would update, tags prefetched
    matched_by_url: bool = False
    slug_taken: bool = False  # another post has the file's slug
    slug: str = ""  # the new post's slug, once chosen (see Writer._choose_slug)
    new_urls: tuple[str, ...] = ()  # old URLs the post does not have yet
    change: str = ""  # CREATED, UPDATED or UNCHANGED
    tags_changed: bool = True
    rendering: Future | None = None  # the task rendering this body, or that rendered it (at ``position``)
    position: int = 0


def post_fields(parsed: jekyll.ParsedPost) -> dict:
    """The post's fields a parsed file gives: what prepare() compares and the Writer sets."""
    return {
        "title": parsed.title,
        "body": parsed.body,
        "body_format": parsed.body_format,
        "excerpt": parsed.excerpt,
        "description": parsed.description,
        "status": parsed.status,
        "published_at": parsed.published_at,
        "legacy_url": parsed.legacy_url,
        "revised_at": parsed.revised_at,
    }
