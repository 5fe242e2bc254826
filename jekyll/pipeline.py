"""How :func:`jekyll.importer.import_paths` works through the files: in batches, rendering while it writes.

Files are read and parsed a batch at a time (:func:`jekyll.reading.batches`); the posts a batch would update
are looked up together and the bodies that need rendering are sent to worker processes (:func:`prepare`,
:class:`jekyll.rendering.Renderer`); then the batch is written in one transaction
(:class:`jekyll.writing.Writer`) while the workers render the next. jekyll/importer.py states the rules this
keeps; jekyll/items.py holds what the steps share.
"""

from blog import markdown
from blog.models import Post
from jekyll import identity
from jekyll.items import CREATED, SOURCE_PATH_MAX_LENGTH, UNCHANGED, UPDATED, Item, post_fields
from jekyll.rendering import Renderer


def prepare(batch: list[Item], renderer: Renderer) -> None:
    """Find the posts the batch's files would update (three queries), decide what changes, start the renders.

    Which post a file is: see jekyll.identity.
    """
    parsed = [item for item in batch if item.parsed is not None]
    if not parsed:
        return
    known = identity.Known.lookup(
        [(item.parsed, item.source.name[:SOURCE_PATH_MAX_LENGTH], item.source.relative_path) for item in parsed]
    )
    to_render = []
    for item in parsed:
        name = item.source.name[:SOURCE_PATH_MAX_LENGTH]
        post, item.matched_by_url = known.post_for(item.parsed, name, item.source.relative_path)
        item.post = post
        item.slug_taken = known.slug_taken(item.parsed.slug, post)
        if post is None:
            item.change = CREATED
        else:
            item.new_urls = known.new_urls(item.parsed, post)
            item.tags_changed = not _same_tags(post, item.parsed.tags)
            unchanged = not item.tags_changed and not item.new_urls and _same_fields(post, post_fields(item.parsed))
            item.change = UNCHANGED if unchanged else UPDATED
        if item.change != UNCHANGED:
            to_render.append(item)
    renderer.start(to_render)


def _same_fields(post: Post, fields: dict) -> bool:
    for name, value in fields.items():
        current = getattr(post, name)
        if name == "excerpt" and not value:
            # An empty excerpt means "the first paragraph", which save() derived from the same body.
            if current != markdown.first_paragraph(post.body_html):
                return False
        elif current != value:
            return False
    return True


def _same_tags(post: Post, tags: tuple[str, ...]) -> bool:
    """The post's tags (prefetched) are ``tags``, as taggit compares names: case-insensitively."""
    return {tag.name.casefold() for tag in post.tags.all()} == {name.casefold() for name in tags}
