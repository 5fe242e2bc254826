from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from subscriptions import services
from subscriptions.models import Subscriber


class Command(BaseCommand):
    help = "Email a published essay to its subscribers (once: a second run sends nothing). The worker sends it."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--dry-run", action="store_true", help="Say how many would receive it; queue nothing.")

    def handle(self, *, slug, dry_run, verbosity, **options):
        post = Post.objects.filter(slug=slug).first()
        if post is None:
            raise CommandError(f"No post with the slug {slug!r}.")
        if post.status != Post.Status.PUBLISHED:
            raise CommandError(f"“{post.title}” is a draft: publish it first (or use the admin's action).")
        if dry_run:
            count = Subscriber.objects.for_post(post).distinct().count()
            self.stdout.write(f"Would email “{post.title}” to {count} subscriber(s).")
            return
        mailing, created = services.email_post(post=post)
        if not created:
            self.stdout.write(self.style.WARNING(f"“{post.title}” was already emailed or queued: nothing sent again."))
        elif verbosity:
            when = "now" if post.is_public else f"at {mailing.send_after:%Y-%m-%d %H:%M %Z}"
            self.stdout.write(self.style.SUCCESS(f"Queued “{post.title}” for its subscribers ({when})."))
