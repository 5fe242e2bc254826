"""Staff's view of email: subscribers, each mailing with its deliveries counted by state, the digest day,
and "Publish and email subscribers" on the posts list.

The post admin is blog's; the action is added by registering a subclass of it here, through the admin's
public API, so that blog never imports this app.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.admin import PostAdmin as BlogPostAdmin
from blog.desk import publishing
from blog.models import Post
from subscriptions import services
from subscriptions.models import Delivery, DigestDay, Mailing, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "confirmed_at", "suppressed_at", "user"]
    list_filter = ["frequency", ("suppressed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    date_hierarchy = "confirmed_at"
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["tags"]
    readonly_fields = ["confirmed_at", "created_at", "updated_at"]


_COUNTED = [Delivery.Status.SENT, Delivery.Status.WAITING, Delivery.Status.FAILED, Delivery.Status.SUPPRESSED]


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "essay", "send_after", "fanned_out_at", "sent", "waiting", "failed", "suppressed"]
    list_filter = ["kind"]
    list_select_related = ["post"]
    readonly_fields = ["kind", "post", "period_start", "period_end", "send_after", "fanned_out_at", "created_at"]

    def get_queryset(self, request):
        counts = {
            f"n_{status}": Count("deliveries", filter=Q(deliveries__status=status))
            for status in [*_COUNTED, Delivery.Status.SENDING]
        }
        return super().get_queryset(request).annotate(**counts)

    def has_add_permission(self, request):
        return False

    @admin.display(description="essay", ordering="post__title")
    def essay(self, mailing):
        return mailing.post.title if mailing.post_id else "—"

    def _count(self, mailing, status):
        url = reverse("admin:subscriptions_delivery_changelist") + f"?mailing__id__exact={mailing.pk}&status={status}"
        return format_html('<a href="{}">{}</a>', url, getattr(mailing, f"n_{status}"))

    @admin.display(description="sent")
    def sent(self, mailing):
        return self._count(mailing, Delivery.Status.SENT)

    @admin.display(description="waiting")
    def waiting(self, mailing):
        # Being sent right now counts as waiting: not accepted by the server yet.
        url = reverse("admin:subscriptions_delivery_changelist") + f"?mailing__id__exact={mailing.pk}"
        return format_html('<a href="{}">{}</a>', url, mailing.n_waiting + mailing.n_sending)

    @admin.display(description="failed")
    def failed(self, mailing):
        return self._count(mailing, Delivery.Status.FAILED)

    @admin.display(description="suppressed")
    def suppressed(self, mailing):
        return self._count(mailing, Delivery.Status.SUPPRESSED)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "mailing", "status", "attempts", "sent_at", "next_attempt_at", "last_error"]
    list_filter = ["status", "mailing__kind"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber", "mailing"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DigestDay)
class DigestDayAdmin(admin.ModelAdmin):
    list_display = ["__str__"]

    def has_add_permission(self, request):
        return not DigestDay.objects.exists()


admin.site.unregister(Post)


@admin.register(Post)
class PostAdmin(BlogPostAdmin):
    actions = [*BlogPostAdmin.actions, "publish_and_email"]

    @admin.action(description="Publish and email subscribers (scheduled posts: emailed when they go up)")
    def publish_and_email(self, request, queryset):
        queued = already = 0
        for post in queryset:
            if post.status == Post.Status.DRAFT:
                # The desk's rule: a draft is dated the moment it goes out (its stored date is only when it
                # was first saved), unless that date is ahead: then it was meant as a schedule.
                if post.published_at > timezone.now():
                    publishing.schedule(post=post, at=post.published_at, author=request.user)
                else:
                    publishing.publish_now(post=post, author=request.user)
            _, created = services.email_post(post=post)
            queued += created
            already += not created
        if queued:
            self.message_user(request, f"{queued} post(s) will be emailed to subscribers.", messages.SUCCESS)
        if already:
            self.message_user(
                request, f"{already} post(s) had already been emailed or queued: not sent again.", messages.WARNING
            )
