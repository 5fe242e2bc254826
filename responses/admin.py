"""Moderation in the admin: the queue, approve / reject / hide (per row and in bulk), bans, word lists,
support resources, the site's response settings, and the moderation log (read only, for everyone).
"""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from responses import moderation, rules
from responses.models import (
    Ban,
    ModerationLog,
    NoticeEmail,
    PostResponses,
    Report,
    Responder,
    Response,
    ResponseSettings,
    SupportResource,
    WordRule,
)
from responses.services import public_change

ACTIONS = {
    "approve": ModerationLog.Action.APPROVE,
    "reject": ModerationLog.Action.REJECT,
    "hide": ModerationLog.Action.HIDE,
}


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting: held or reported"), ("at_risk", "Someone may be at risk")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(in_queue=True)
        if self.value() == "at_risk":
            return queryset.filter(at_risk=True)
        return queryset


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["reason", "text", "created_at", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """The moderation queue: at-risk reports first, then the oldest waiting."""

    list_display = ["summary", "on_post", "author_name", "status", "reported", "created_at", "row_actions"]
    list_filter = [QueueFilter, "status", "by_writer", "created_at"]
    search_fields = ["body", "author__email", "author__responder__display_name", "post__title"]
    date_hierarchy = "created_at"
    list_select_related = ["post", "author__responder", "parent"]
    readonly_fields = ["post", "author", "parent", "body", "shown", "thread", "status", "created_at", "edited_at"]
    fields = readonly_fields
    inlines = [ReportInline]
    actions = ["approve", "reject", "hide"]
    list_per_page = 50

    def get_queryset(self, request):
        open_reports = Report.objects.filter(response=OuterRef("pk"), resolved_at=None)
        # Annotated before ordering: the queue is ordered by these flags.
        queryset = Response.objects.select_related(*self.list_select_related).defer(
            "post__body", "post__body_html", "post__body_text"
        )
        return queryset.annotate(
            at_risk=Exists(open_reports.filter(reason=Report.Reason.AT_RISK)),
            reported=Exists(open_reports),
            in_queue=Exists(open_reports) | Q(status=Response.Status.HELD),
        ).order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["-at_risk", "-in_queue", "created_at", "pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Changes go through the moderation actions (logged), never by editing the text.
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    @admin.display(description="response")
    def summary(self, response):
        text = response.body if len(response.body) <= 120 else f"{response.body[:120]}…"
        return format_html('<span dir="auto">{}</span>', text)

    @admin.display(description="post", ordering="post__title")
    def on_post(self, response):
        return format_html(
            '<a href="{}#{}">{}</a>', response.post.get_absolute_url(), response.anchor, response.post.title
        )

    @admin.display(description="by")
    def author_name(self, response):
        return response.display_name

    @admin.display(description="reported", boolean=True, ordering="reported")
    def reported(self, response):
        return response.reported

    @admin.display(description="how it shows")
    def shown(self, response):
        # body_html was sanitised by nh3 when the response was saved, as the public page shows it.
        return format_html('<div class="response-body">{}</div>', mark_safe(response.body_html))  # noqa: S308

    @admin.display(description="thread")
    def thread(self, response):
        top = response.parent or response
        rows = [top, *Response.objects.filter(parent=top).select_related("author__responder")]
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{}{} ({}): {}</li>",
                ((("→ " if r.pk == response.pk else ""), r.display_name, r.status, r.body[:200]) for r in rows),
            ),
        )

    @admin.display(description="moderate")
    def row_actions(self, response):
        # Buttons of the changelist's own form (which carries the CSRF token), sent to our row view.
        return format_html_join(
            " ",
            '<button type="submit" class="button" formmethod="post" formaction="{}">{}</button>',
            (
                (reverse("admin:responses_response_moderate", args=[response.pk, name]), label)
                for name, label in (("approve", "Approve"), ("reject", "Reject"), ("hide", "Hide"))
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.moderate_view)
        return [path("<int:pk>/moderate/<str:action>/", view, name="responses_response_moderate"), *super().get_urls()]

    def moderate_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in ACTIONS or not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:responses_response_changelist"))
        response = get_object_or_404(Response, pk=pk)
        self._moderate(request, [response], action)
        return HttpResponseRedirect(request.headers.get("Referer") or reverse("admin:responses_response_changelist"))

    def _moderate(self, request, responses, action):
        count = moderation.moderate(actor=request.user, responses=responses, action=ACTIONS[action])
        self.message_user(request, f"{ACTIONS[action].label.capitalize()} {count} response(s).", messages.SUCCESS)

    @admin.action(description="Approve the selected responses")
    def approve(self, request, queryset):
        self._moderate(request, list(queryset), "approve")

    @admin.action(description="Reject the selected responses")
    def reject(self, request, queryset):
        self._moderate(request, list(queryset), "reject")

    @admin.action(description="Hide the selected responses")
    def hide(self, request, queryset):
        self._moderate(request, list(queryset), "hide")


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["user", "reason", "ends_at", "hide_past_responses", "created_by", "created_at"]
    list_filter = ["hide_past_responses", "created_at"]
    search_fields = ["user__email", "reason"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []  # a ban moves to no one else: end it and start another

    def save_model(self, request, obj, form, change):
        moderation.ban_save(actor=request.user, ban=obj, adding=not change)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        rules.forget_member_state(obj.user)

    def delete_queryset(self, request, queryset):
        users = {ban.user for ban in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            rules.forget_member_state(user)


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    """Staff read the log; no one adds, changes or deletes it here."""

    list_display = ["created_at", "actor_name", "action", "response", "member", "reason"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_name", "reason", "member__email"]
    date_hierarchy = "created_at"
    list_select_related = ["member", "response"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["word", "effect"]
    list_filter = ["effect"]
    search_fields = ["word"]


@admin.register(SupportResource)
class SupportResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "phone", "url", "position"]
    list_filter = ["country"]
    search_fields = ["name", "description"]


@admin.register(ResponseSettings)
class ResponseSettingsAdmin(admin.ModelAdmin):
    """The site's settings for responses, one row kept as the site text is (Blog → Site text): the list
    goes straight to it, and it cannot be added twice or deleted. Per-post choices are in Post response
    settings."""

    fieldsets = [
        (
            "For every post",
            {
                "fields": ["close_after_days", "hold_every_response"],
                "description": "Site-wide defaults. A post's own choice (open, closed or off) is made in "
                "Post response settings; the site's text is under Blog → Site text.",
            },
        ),
    ]

    def has_add_permission(self, request):
        return not ResponseSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not ResponseSettings.objects.filter(pk=1).exists():
            return redirect("admin:responses_responsesettings_add")
        return redirect("admin:responses_responsesettings_change", 1)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_change()  # post pages keep these settings under the content version


@admin.register(PostResponses)
class PostResponsesAdmin(admin.ModelAdmin):
    list_display = ["post", "mode", "hold_every_response"]
    list_filter = ["mode", "hold_every_response"]
    autocomplete_fields = ["post"]
    search_fields = ["post__title"]
    list_select_related = ["post"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_change()


@admin.register(Responder)
class ResponderAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "created_at"]
    search_fields = ["display_name", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user"]

    def has_add_permission(self, request):
        return False


@admin.register(NoticeEmail)
class NoticeEmailAdmin(admin.ModelAdmin):
    """Who was sent which email about responses, and how it went (written by the worker only)."""

    list_display = ["day", "kind", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "status", "day"]
    search_fields = ["recipient__email"]
    date_hierarchy = "claimed_at"
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
