"""Members: the custom user model (email is the login) and the pieces they save."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

# How long a private note may be, as the member typed it (see accounts.services.normalise_note).
NOTE_MAX_LENGTH = 2000


class MemberManager(UserManager):
    """Create users by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A reader with an account. Signs in with an email address."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = MemberManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email


class FavouriteQuerySet(models.QuerySet):
    def for_user(self, user):
        """The member's saved pieces, newest saved first."""
        return self.filter(user=user).order_by("-saved_at", "-id")

    def saved_rows(self):
        """What a row of /saved/ shows, as values (turned into :class:`SavedRow` a page at a time), each
        ending with how many rows there are in all (a window COUNT: the page and its count in one query).

        The page is built on every request for every member; rows of values cost a third less than
        model instances joined to their posts.
        """
        return self.annotate(total=models.Window(models.Count("pk"))).values_list(
            "key", "note", "saved_at", "post_id", "post_title", "post__slug", "post__title", "post__status",
            "post__published_at", "total",
        )  # fmt: skip

    def for_list(self):
        """What a list of saved pieces needs: the post's title and status, not its body."""
        return self.select_related("post").defer("post__body", "post__body_html", "post__body_text")


@dataclass(frozen=True, slots=True)
class SavedRow:
    """One saved piece as /saved/ shows it: a light stand-in for a Favourite joined to its post."""

    key: uuid.UUID
    note: str
    saved_at: datetime.datetime
    post_id: int | None
    slug: str | None
    title: str
    status: str

    @classmethod
    def from_values(cls, values) -> "SavedRow":
        """From a row of ``FavouriteQuerySet.saved_rows()``; title and status as :class:`Favourite` has them."""
        key, note, saved_at, post_id, post_title, slug, title, post_status, published_at = values
        if post_id is None:
            return cls(key, note, saved_at, None, None, post_title, "deleted")
        public = post_status == "published" and published_at <= timezone.now()
        return cls(key, note, saved_at, post_id, slug, title, "published" if public else "unpublished")


class Favourite(models.Model):
    """A piece a member saved, with an optional private note.

    ``post`` is nullable and ``post_title`` a snapshot, so that a member's note
    survives staff deleting the post. ``key`` names the row in URLs once its post
    is gone (a random UUID: nothing to count up or guess).
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    post = models.ForeignKey("blog.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="favourites")
    post_title = models.CharField(max_length=500)
    saved_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = FavouriteQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at", "-id"]
        get_latest_by = "saved_at"
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="favourite_unique_user_post"),
        ]
        indexes = [
            models.Index(fields=["user", "-saved_at"], name="favourite_user_saved_idx"),
        ]

    def __str__(self):
        return f"{self.user} saved {self.title}"

    @property
    def title(self) -> str:
        """The post's current title, or the one it had when it was deleted."""
        return self.post.title if self.post_id else self.post_title

    @property
    def status(self) -> str:
        """``published``, ``unpublished`` (a draft or scheduled again) or ``deleted``."""
        if self.post_id is None:
            return "deleted"
        return "published" if self.post.is_public else "unpublished"
