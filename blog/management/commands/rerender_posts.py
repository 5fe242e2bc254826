"""Render every post's body again, after the Markdown renderer or the sanitiser's allow-list changed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from blog.models import Post


class Command(BaseCommand):
    help = "Re-render body_html (and the text, excerpt and reading time derived from it) for every post."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the posts whose HTML would change.")

    def handle(self, *args, dry_run=False, **options):
        changed = total = 0
        for pk in Post.objects.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                post = Post.objects.select_for_update().get(pk=pk)
                before = (post.body_html, post.body_text, post.reading_minutes)
                post.render()
                total += 1
                if (post.body_html, post.body_text, post.reading_minutes) == before:
                    continue
                changed += 1
                if not dry_run:
                    post.save(update_fields=["body_html"])
                if options["verbosity"] > 1:
                    self.stdout.write(f"re-rendered {post.slug}")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{total} posts checked, {changed} {verb}"))
