"""Posts and their tags. ``Post.objects.published()`` is the one rule for "public".

Slugs are made in blog/slugs.py; the helpers built on these models (public URLs, the tag list, the
"public" rule as SQL) are in blog/posts.py.
"""

from functools import lru_cache

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from blog import markdown
from blog.slugs import SLUG_MAX_LENGTH, free_slug, make_slug


def _public_now() -> models.Q:
    return models.Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts the public may see: published, and dated now or earlier."""
        return self.filter(_public_now())

    def hidden(self):
        """Posts the public may not see: everything ``published()`` leaves out (drafts and scheduled posts)."""
        return self.exclude(_public_now())

    def scheduled(self, *, now=None):
        """Published posts dated in the future (after ``now``, by default this moment): public once their time comes."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def drafts(self):
        return self.filter(status=Post.Status.DRAFT)

    def with_was_published(self):
        """Each post with ``was_published``: whether a version of it was ever public (kept as a revision)."""
        once_public = Revision.objects.filter(post=models.OuterRef("pk"), kind=Revision.Kind.PUBLISHED)
        return self.annotate(was_published=models.Exists(once_public))

    def for_list(self):
        """What a list of post cards needs: tags in one extra query, heavy columns left behind."""
        return self.defer(*Post.TEXT_FIELDS).prefetch_related("tags")


class TaggedPost(TaggedItemBase):
    """taggit through model with a real foreign key (not a generic relation)."""

    content_object = models.ForeignKey("Post", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="taggedpost_unique_post_tag"),
        ]
        indexes = [models.Index(fields=["tag", "content_object"], name="taggedpost_tag_post_idx")]

    def __str__(self):
        return f"{self.content_object_id} → {self.tag_id}"


# A post's address, reversed once per process (the script prefix is part of the key, as for tags in
# blog.posts): every card and search hit links its post, and reverse() costs more than the rest of a link.
@lru_cache(maxsize=8192)
def _post_url(script_prefix: str, slug: str) -> str:
    return reverse("blog:post-detail", kwargs={"slug": slug})


class Post(models.Model):
    """One essay. ``body`` is the text as written; the rest of the derived fields follow from it on save."""

    # The essay itself, three times over (20-40 KB a post): what lists and lookups leave behind (defer).
    TEXT_FIELDS = ("body", "body_html", "body_text")

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        HTML = "html", "HTML"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True, allow_unicode=True)
    body = models.TextField(blank=True, help_text="Markdown, as written. Raw HTML is allowed and sanitised.")
    body_format = models.CharField(max_length=10, choices=Format.choices, default=Format.MARKDOWN)
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="")
    excerpt = models.TextField(blank=True, help_text="Leave empty to use the first paragraph.")
    description = models.TextField(
        blank=True, help_text="For search engines and link previews. Defaults to the excerpt."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        default=timezone.now, help_text="A published post dated in the future stays hidden until then."
    )
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown to readers as “Updated” when set (the importer takes last_modified_at)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on every write: the post's own version for caches and ETags, not a date shown to readers.
    updated_at = models.DateTimeField(auto_now=True)
    legacy_url = models.CharField(max_length=1000, blank=True, db_index=True, help_text="Its path on the old site.")
    source_path = models.CharField(max_length=1000, blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)

    tags = TaggableManager(through=TaggedPost, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="post_status_published_idx"),
            models.Index(fields=["-published_at", "-id"], name="post_published_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, rendered: markdown.Rendered | None = None, **kwargs):
        """Save, deriving the rendered fields first (``rendered``: see :meth:`render`)."""
        if not self.slug:
            self.slug = self.unique_slug(self.title)
        self.render(rendered)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "body_text", "reading_minutes", "excerpt"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return _post_url(get_script_prefix(), self.slug)

    @property
    def is_public(self) -> bool:
        return Post.public_values(self.status, self.published_at)

    @staticmethod
    def public_values(status: str, published_at, now=None) -> bool:
        """Whether a post with this status and date is public: ``published()``'s rule, for values in hand."""
        return status == Post.Status.PUBLISHED and published_at is not None and published_at <= (now or timezone.now())

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def state(self) -> str:
        """What the desk calls it: "draft", "scheduled", "published" or "unpublished" (a draft once public).

        Lists annotate ``was_published`` (:meth:`PostQuerySet.with_was_published`); one post asks here.
        """
        if self.status == self.Status.PUBLISHED:
            return "scheduled" if self.is_scheduled else "published"
        was_published = getattr(self, "was_published", None)
        if was_published is None:
            was_published = self.revisions.filter(kind=Revision.Kind.PUBLISHED).exists()
        return "unpublished" if was_published else "draft"

    @property
    def summary(self) -> str:
        """What search engines and link previews get."""
        return self.description or self.excerpt

    @property
    def was_revised(self) -> bool:
        """Revised on a later day than it was published: readers see an "Updated" date."""
        return self.revised_at is not None and self.revised_at.date() > self.published_at.date()

    @property
    def modified_at(self):
        """The date a reader or a feed should take as "last changed"."""
        return max(self.revised_at or self.published_at, self.published_at)

    def render(self, rendered: markdown.Rendered | None = None):
        """Derive the HTML, plain text, reading time and a missing excerpt from the body.

        ``rendered`` is :func:`blog.markdown.render_post` of this body made elsewhere (the importer renders
        in worker processes); without it the body is rendered here.
        """
        is_html = self.body_format == self.Format.HTML
        if rendered is None:
            rendered = markdown.render_post(self.body, is_html=is_html)
        elif (rendered.body, rendered.is_html) != (self.body, is_html):
            raise ValueError("the rendering given is of another body")
        # Pictures are matched with what media storage holds here, not in render_post: it needs the database.
        from blog.image_html import present_images

        self.body_html = present_images(rendered.html)
        self.body_text = rendered.text
        self.reading_minutes = min(rendered.reading_minutes, 32767)
        if not self.excerpt.strip():
            self.excerpt = rendered.first_paragraph

    @classmethod
    def unique_slug(cls, text: str, *, exclude_pk=None) -> str:
        """A slug from ``text`` that no other post has yet ("post" when the text gives none)."""
        return free_slug(make_slug(text, SLUG_MAX_LENGTH - 8) or "post", cls.objects.exclude(pk=exclude_pk))


class SiteSettings(models.Model):
    """What the site says about itself, edited by staff: the tagline and introduction on the home page,
    the byline on essays and the about page. One row (``load()``); Markdown rendered on save."""

    tagline = models.CharField(max_length=200, blank=True, help_text="One line under the site's name on the home page.")
    introduction = models.TextField(
        blank=True, help_text="A few sentences on the home page saying what the site is. Markdown."
    )
    author_name = models.CharField(max_length=120, blank=True, help_text="The byline on every essay.")
    about = models.TextField(blank=True, help_text="The about page, in Markdown.")
    introduction_html = models.TextField(editable=False, default="")
    about_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site text"
        verbose_name_plural = "site text"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="sitesettings_single_row")]

    def __str__(self):
        return "Site text"

    def save(self, *args, **kwargs):
        self.pk = 1
        self.introduction_html = markdown.render(self.introduction)
        self.about_html = markdown.render(self.about)
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "SiteSettings":
        """The one row, or an unsaved empty one before staff first write it (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Image(models.Model):
    """A picture an essay shows: stored once (by the hash of its bytes), metadata stripped, with
    resized copies for smaller screens. Made by ``blog.images.store_image``, never by hand."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        IMPORT = "import", "Imported"

    name = models.CharField(max_length=200, unique=True, editable=False, help_text="Its name in media storage.")
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    # The stored full-size file's own hash: the same picture coming back (from an export) is known by it.
    file_sha256 = models.CharField(max_length=64, db_index=True, editable=False, default="")
    format = models.CharField(max_length=10, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # The widths of the resized copies beside the full-size one, e.g. [480, 960].
    widths = models.JSONField(default=list, editable=False)
    alt_text = models.CharField(
        max_length=500, blank=True, help_text="What the picture shows, for readers who cannot see it."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD, editable=False)
    source_path = models.CharField(max_length=1000, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.alt_text or self.source_path or self.name

    @property
    def path(self) -> str:
        """What an essay links to: ``/media/<name>`` (the page shows it from wherever media is served)."""
        return f"{settings.MEDIA_URL}{self.name}"

    def rendition_name(self, width: int) -> str:
        stem, _, extension = self.name.rpartition(".")
        return f"{stem}-{width}.{extension}"

    def used_in(self) -> models.QuerySet:
        """The posts whose text links to this image (drafts included)."""
        return Post.objects.filter(body__contains=self.path).only("title", "slug", "status")


class OldUrl(models.Model):
    """A path a post had on the site this one replaced (with and without its base URL): it answers 301 to the post.

    Kept apart from ``Post.legacy_url`` (the one old URL shown and exported) because a post may have several,
    and because one path belongs to one post only. Rows go with their post.
    """

    path = models.CharField(max_length=1000, unique=True, help_text="Decoded, starting with “/”.")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_urls")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "old URL"

    def __str__(self):
        return self.path


class ContentVersion(models.Model):
    """The content version (see ``blog.caching``): one row, the lasting copy of what the cache holds.

    The cache keeps a copy for speed, but a cache may evict any key (the file cache culls at random when
    full, Redis under memory pressure): losing the only copy would make every cached page cold at once.
    Kept here, a lost copy is read back and the pages cached under it stay in use.
    """

    token = models.CharField(max_length=64)
    # When the next scheduled post goes public (none: no post is scheduled): the version ends then.
    next_scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()

    class Meta:
        get_latest_by = "started_at"

    def __str__(self):
        return self.token


class RevisionQuerySet(models.QuerySet):
    def prunable(self, post, keep: int):
        """A post's autosaved and manual revisions beyond the newest ``keep``: published ones are kept."""
        newest = self.filter(post=post).order_by("-created_at", "-id").values_list("pk", flat=True)[:keep]
        return self.filter(post=post).exclude(kind=Revision.Kind.PUBLISHED).exclude(pk__in=list(newest))


class Revision(models.Model):
    """A post's title and body as they stood at one moment: autosaved while writing, kept on publishing."""

    class Kind(models.TextChoices):
        AUTOSAVE = "autosave", "Autosaved"
        MANUAL = "manual", "Saved"
        PUBLISHED = "published", "Published"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AUTOSAVE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["post", "-created_at"], name="revision_post_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
