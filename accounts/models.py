"""Members: the custom user model (email is the login) and the pieces they save."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property

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
    def saved(self):
        """Pieces saved now: not removed (a removed row keeps its note until the member deletes it)."""
        return self.filter(removed_at__isnull=True)

    def for_user(self, user):
        """The member's rows, newest saved first."""
        return self.filter(user=user).order_by("-saved_at", "-id")

    def for_list(self):
        """What a list of saved pieces needs: the post's title, status, excerpt and address, not its body."""
        return self.select_related("post").defer("post__body", "post__body_html", "post__body_text")


class Favourite(models.Model):
    """A piece a member saved, with an optional private note.

    ``post`` is nullable and ``post_title`` a snapshot of its last public title, so that a member's
    note survives staff deleting the post, and a post moved back to draft shows nothing of the draft.
    ``key`` names the row in URLs (a random UUID: nothing to count up or guess). Removing a piece
    sets ``removed_at`` and keeps the row with its note: undo, or saving it again, brings both back.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    post = models.ForeignKey("blog.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="favourites")
    post_title = models.CharField(max_length=500)
    saved_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = FavouriteQuerySet.as_manager()

    class Meta:
        # As members know them on the site; the model keeps its first name so no table or URL moves.
        verbose_name = "saved piece"
        verbose_name_plural = "saved pieces"
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

    @cached_property
    def status(self) -> str:
        """``published``, ``unpublished`` (a draft or scheduled again) or ``deleted``, worked out once
        per instance (a row of /saved/ asks a dozen times)."""
        if self.post_id is None:
            return "deleted"
        return "published" if self.post.is_public else "unpublished"

    @property
    def is_public(self) -> bool:
        return self.status == "published"

    @property
    def title(self) -> str:
        """The post's title while it is public; else the last public title, never a draft's."""
        return self.post.title if self.is_public else self.post_title

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
