"""Render every post's body again, after the Markdown renderer or the sanitiser's allow-list changed."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog.caching import bump_content_version
from blog.models import Post

DERIVED = ("body_html", "body_text", "reading_minutes")


class Command(BaseCommand):
    help = "Re-render body_html (and the text and reading time derived from it) for every post."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the posts whose HTML would change.")

    def handle(self, *args, dry_run=False, **options):
        changed = total = 0
        for pk in Post.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                post = Post.objects.select_for_update().get(pk=pk)
                before = [getattr(post, name) for name in DERIVED]
                post.render()
                total += 1
                if [getattr(post, name) for name in DERIVED] == before:
                    continue
                changed += 1
                if not dry_run:
                    # An UPDATE rather than post.save(): each post has its own transaction, and save()'s signal
                    # would start a new content version as each one commits, retiring every cached page once per
                    # post changed; the run starts one, at the end. updated_at moves too: it is the version the
                    # member fragments are keyed on.
                    fresh = {name: getattr(post, name) for name in DERIVED}
                    Post.objects.filter(pk=pk).update(**fresh, updated_at=timezone.now())
                if options["verbosity"] > 1:
                    self.stdout.write(f"re-rendered {post.slug}")
        if changed and not dry_run:
            bump_content_version()  # queryset updates send no signals: retire the cached pages here
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{total} posts checked, {changed} {verb}"))
