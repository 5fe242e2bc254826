"""The members app."""

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete


def _keep_titles_of_deleted_post(sender, instance, **kwargs):
    # Data preservation, not business logic: the row's title snapshot must be current at the
    # moment staff delete a post, whichever way they delete it (admin, shell, bulk delete).
    from accounts.services import snapshot_titles

    snapshot_titles(post=instance)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Members"

    def ready(self):
        pre_delete.connect(_keep_titles_of_deleted_post, sender="blog.Post", dispatch_uid="accounts-keep-titles")
        # Cache upkeep, not business logic: a kept member must go stale whichever way their row is written.
        from accounts.members import forget_member

        post_save.connect(forget_member, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-forget-saved")
        post_delete.connect(forget_member, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-forget-deleted")
