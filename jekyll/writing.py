"""Writing an import's batches (:class:`Writer`): each in one transaction, each file in a savepoint of its own."""

import contextlib
import datetime
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from taggit.models import Tag

from blog import markdown
from blog.caching import bump_on_commit
from blog.models import OldUrl, Post, TaggedPost
from jekyll import identity
from jekyll.items import (
    CREATED,
    DRAFT,
    FAILED,
    SOURCE_PATH_MAX_LENGTH,
    UNCHANGED,
    FileOutcome,
    Item,
    post_fields,
)
from jekyll.rendering import Renderer


class Writer:
    """Writes batches of files, keeping what one file tells about the next: slugs claimed, tags known."""

    def __init__(self, *, dry_run: bool, renderer: Renderer):
        self.dry_run = dry_run
        self.renderer = renderer
        # slug -> the file that took it in this import; the same for old URLs
        self.claimed: dict[str, str] = {}
        self.claimed_urls: dict[str, str] = {}
        self.tags = Tags()

    def write(self, batch: list[Item]) -> list[FileOutcome]:
        """Every file's outcome, once the batch is committed (or known to be lost)."""
        if self.dry_run or all(item.failure or item.change == UNCHANGED for item in batch):
            return [self._write_file(item) for item in batch]
        outcomes: dict[int, FileOutcome] = {}  # by the file's place in the batch
        try:
            with transaction.atomic():
                self.tags.check({name for item in batch if item.parsed for name in item.parsed.tags})
                # New posts go in together; the other files are written one by one after them, as is every file
                # if writing together failed. No other file has a new post's slug (prepare() looked them all up at
                # once), so the first file in path order to claim a slug still gets it.
                together = [place for place, item in enumerate(batch) if item.change == CREATED]
                written = self._create_together([batch[place] for place in together]) if together else None
                if written is not None:
                    outcomes.update(zip(together, written, strict=True))
                for place, item in enumerate(batch):
                    if place not in outcomes:
                        outcomes[place] = self._write_file(item)
        except Exception as error:  # e.g. the commit failed: the whole batch is gone, as an interruption would do
            reason = f"not saved: its batch failed: {type(error).__name__}: {error}"[:500]
            return [self._lost(item, outcomes.get(place), reason) for place, item in enumerate(batch)]
        return [outcomes[place] for place in range(len(batch))]

    def _create_together(self, batch: list[Item]) -> list[FileOutcome] | None:
        """Files making new posts, the posts written in a few statements for them all, in a savepoint.

        If anything fails, the savepoint is rolled back and None returned: then each file is written on its
        own (``_write_file``), so that only a bad one fails.
        """
        claimed, claimed_urls = dict(self.claimed), dict(self.claimed_urls)
        outcomes: list[FileOutcome] = []
        new: list[tuple[Item, Post, markdown.Rendered]] = []
        try:
            with transaction.atomic():
                for item in batch:
                    outcome = self._refused(item)
                    if outcome is None:
                        try:
                            new.append((item, *self._prepared_post(item)))
                        except Exception as error:  # its body cannot be rendered
                            outcome = self._not_saved(item, error)
                    outcomes.append(outcome or self._saved(item))
                self._insert(new)
        except Exception:
            self.claimed, self.claimed_urls = claimed, claimed_urls
            return None
        return outcomes

    def _write_file(self, item: Item) -> FileOutcome:
        """One file in a savepoint of its own: created, updated, unchanged or failed with nothing left."""
        if outcome := self._refused(item):
            return outcome
        writes = not self.dry_run and item.change != UNCHANGED
        try:
            with transaction.atomic() if writes else contextlib.nullcontext():
                self._save(item)
        except Exception as error:  # one bad file must not stop the others; its savepoint is rolled back
            return self._not_saved(item, error)
        return self._saved(item)

    def _save(self, item: Item) -> None:
        """Create or update the file's post and its tags; in a dry run, only render it (a body that cannot
        render still fails)."""
        if item.change == UNCHANGED:
            return
        post, rendered = self._prepared_post(item)
        if self.dry_run:
            return
        if item.change == CREATED:
            self._insert([(item, post, rendered)])
            return
        post.save(rendered=rendered)
        if item.new_urls:
            OldUrl.objects.bulk_create([OldUrl(path=url, post=post) for url in item.new_urls], ignore_conflicts=True)
        if item.tags_changed:
            found: dict[str, Tag] = {}
            self.tags.load(item.parsed.tags, found)
            post.tags.set(self.tags.get(item.parsed.tags, found))
            self.tags.remember(found)

    def _prepared_post(self, item: Item) -> tuple[Post, markdown.Rendered]:
        """The file's post, new or its current one with the file's fields, and its body rendered."""
        parsed = item.parsed
        post = item.post or Post(slug=item.slug or parsed.slug)
        for name, value in post_fields(parsed).items():
            setattr(post, name, value)
        post.source_path = item.source.name[:SOURCE_PATH_MAX_LENGTH]
        rendered = self.renderer.rendered(item)
        post.render(rendered)
        return post, rendered

    def _insert(self, new: list[tuple[Item, Post, markdown.Rendered]]) -> None:
        """Insert new posts and their tags with a few statements, however many posts there are.

        SQLite's search-index triggers (blog/migrations/0002) index a post's whole text again for each tag
        row added. So the posts go in with no searchable text, their tags follow, then their text: each
        post is indexed once.
        """
        if not new:
            return
        tagged = [(post, rendered.text) for item, post, rendered in new if item.parsed.tags]
        for post, _text in tagged:
            post.body_text = ""
        Post.objects.bulk_create([post for _item, post, _rendered in new])
        found: dict[str, Tag] = {}
        self.tags.load((name for item, _post, _rendered in new for name in item.parsed.tags), found)
        TaggedPost.objects.bulk_create(
            TaggedPost(content_object=post, tag=tag)
            for item, post, _rendered in new
            for tag in self.tags.get(item.parsed.tags, found)
        )
        for post, text in tagged:
            post.body_text = text
        Post.objects.bulk_update([post for post, _text in tagged], ["body_text"])
        old_urls = [OldUrl(path=url, post=post) for item, post, _rendered in new for url in item.parsed.old_urls]
        # A path another post already has stays with it (one path, one post).
        OldUrl.objects.bulk_create(old_urls, ignore_conflicts=True)
        for _item, post, _rendered in new:
            # bulk_create sends no post_save: tell the cache what save() would have (blog.caching), and only it.
            bump_on_commit(instance=post, using=post._state.db)
        self.tags.remember(found)

    def _refused(self, item: Item) -> FileOutcome | None:
        """Why the file cannot be written at all: it could not be read or parsed, or another file in this import
        has its Jekyll URL (on the Jekyll site one overwrote the other). Else settles what it becomes: a post
        another file of this import already wrote is not this file's (a new post is made), and a new post's
        slug is chosen."""
        if item.failure:
            return item.failure
        parsed = item.parsed
        if (first := self.claimed_urls.get(parsed.legacy_url)) is not None and first != item.source.name:
            reason = (
                f"same Jekyll URL {parsed.legacy_url} as {first}, already imported: on the Jekyll site one file "
                "overwrote the other; give one of them another 'permalink:' to keep both"
            )
            return FileOutcome(name=item.source.name, outcome=FAILED, reason=reason, warnings=parsed.warnings)
        if (
            item.post is not None
            and not item.matched_by_url
            and self.claimed.get(item.post.slug, item.source.name) != item.source.name
        ):
            item.post, item.change, item.new_urls = None, CREATED, ()
        if item.change == CREATED:
            item.slug = self._choose_slug(item)
        return None

    def _choose_slug(self, item: Item) -> str:
        """The file's slug if no other post has it; else one with its folder or date (jekyll.identity)."""
        if item.parsed.slug not in self.claimed and not item.slug_taken:
            return item.parsed.slug
        zone = item.source.site.zone if item.source.site else datetime.UTC
        return identity.new_slug(
            parsed=item.parsed, relative_path=item.source.relative_path, zone=zone, taken=self.claimed
        )

    def _saved(self, item: Item) -> FileOutcome:
        parsed = item.parsed
        slug = item.post.slug if item.post is not None else item.slug or parsed.slug
        self.claimed[slug] = item.source.name
        for url in parsed.old_urls:
            self.claimed_urls.setdefault(url, item.source.name)
        return FileOutcome(
            name=item.source.name,
            outcome=DRAFT if parsed.is_draft else item.change,
            change=item.change,
            slug=slug,
            warnings=parsed.warnings,
        )

    @staticmethod
    def _not_saved(item: Item, error: Exception) -> FileOutcome:
        return FileOutcome(
            name=item.source.name, outcome=FAILED, reason=f"not saved: {type(error).__name__}: {error}"[:500]
        )

    def _lost(self, item: Item, outcome: FileOutcome | None, reason: str) -> FileOutcome:
        """The outcome of a file whose batch was rolled back."""
        if item.failure:
            return item.failure
        if outcome is not None and outcome.outcome == FAILED:
            return outcome
        # The next file with this slug or URL may have it.
        self.claimed = {slug: name for slug, name in self.claimed.items() if name != item.source.name}
        self.claimed_urls = {url: name for url, name in self.claimed_urls.items() if name != item.source.name}
        return FileOutcome(name=item.source.name, outcome=FAILED, reason=reason)


# Tag names looked up in one query: well under SQLite's limit on a statement's parameters, whatever a file holds.
TAGS_AT_ONCE = 500


class Tags:
    """Tags by name for the whole import, so that each name is looked up once.

    A name is found as taggit finds it (case-insensitively; the oldest of several), or made. A batch's names
    are looked up and made together (:meth:`load`); a name that could not be (see there) is looked up and
    made as taggit does, on its own. A tag made for a file that then fails is not remembered. What is
    remembered is checked again at each batch's start, inside its transaction: a tag may have gone with a
    batch that failed, or been renamed or deleted by someone else meanwhile.
    """

    def __init__(self):
        self.known: dict[str, Tag] = {}

    def check(self, names: set[str]) -> None:
        ids = {self.known[name].pk for name in names if name in self.known}
        if not ids:
            return
        current = dict(Tag.objects.filter(pk__in=ids).values_list("pk", "name"))
        self.known = {
            name: tag for name, tag in self.known.items() if tag.pk not in ids or current.get(tag.pk) == tag.name
        }

    def load(self, names: Iterable[str], found: dict[str, Tag]) -> None:
        """Look up, and make, the tags for ``names`` in a few statements for each :data:`TAGS_AT_ONCE` names.

        Only ASCII names: for them, lower-casing on both sides matches exactly what taggit's ``iexact`` matches
        on SQLite and PostgreSQL. A name whose tag cannot be made with the others (its slug is taken or empty,
        or another name of the batch has it) is left to :meth:`get`, which makes it as taggit does.
        Names differing only in letter case share the tag made for the first, as taggit's lookup would find it.
        """
        wanted = [
            name for name in dict.fromkeys(names) if name.isascii() and name not in self.known and name not in found
        ]
        for first in range(0, len(wanted), TAGS_AT_ONCE):
            self._load(wanted[first : first + TAGS_AT_ONCE], found)

    def _load(self, wanted: list[str], found: dict[str, Tag]) -> None:
        oldest: dict[str, Tag] = {}
        lowered = {name.lower() for name in wanted}
        for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered).order_by("pk"):
            oldest.setdefault(tag.name.lower(), tag)
        new: dict[str, Tag] = {}  # by lower-cased name, the first name in the batch's order
        for name in wanted:
            key = name.lower()
            if key not in oldest and key not in new:
                new[key] = Tag(name=name)
                new[key].slug = new[key].slugify(name)
        made = self._make(list(new.values()))
        for name in wanted:
            tag = oldest.get(name.lower()) or made.get(name.lower())
            if tag is not None:
                found[name] = tag

    @staticmethod
    def _make(tags: list[Tag]) -> dict[str, Tag]:
        """Insert the tags whose slugs are free in one statement; the tags inserted, by lower-cased name."""
        if not tags or not connection.features.can_return_rows_from_bulk_insert:
            return {}
        taken = set(Tag.objects.filter(slug__in=[tag.slug for tag in tags]).values_list("slug", flat=True))
        free: dict[str, Tag] = {}
        for tag in tags:
            if tag.slug and tag.slug not in taken:
                taken.add(tag.slug)
                free[tag.name.lower()] = tag
        if not free:
            return {}
        try:
            with transaction.atomic():
                # bulk_create sends no post_save: the posts these tags go with tell the cache (Writer._insert).
                Tag.objects.bulk_create(free.values())
        except IntegrityError:  # someone else made one of them meanwhile: each is made on its own instead
            return {}
        return free

    def get(self, names: Iterable[str], found: dict[str, Tag]) -> list[Tag]:
        """The tags for ``names`` (each once). Tags looked up or made go in ``found``, to :meth:`remember`
        once they are saved with their posts. Callers :meth:`load` first, a batch's names or a file's at once;
        what is left is looked up and made here one by one."""
        tags: dict[int, Tag] = {}
        for name in names:
            tag = self.known.get(name) or found.get(name)
            if tag is None:
                tag = Tag.objects.filter(name__iexact=name).order_by("pk").first() or Tag.objects.create(name=name)
                found[name] = tag
            tags.setdefault(tag.pk, tag)
        return list(tags.values())

    def remember(self, found: dict[str, Tag]) -> None:
        self.known.update(found)
