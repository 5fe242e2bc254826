"""The post admin of the desk: a list that fits a laptop, and a form with publishing actions."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from blog.admin_forms import PostForm
from blog.desk import publishing, revision_views, revisions
from blog.models import Post, Revision

STATES = {
    "draft": ("Draft", Q(status=Post.Status.DRAFT, was_published=False)),
    "scheduled": ("Scheduled", None),
    "published": ("Published", None),
    "unpublished": ("Unpublished", Q(status=Post.Status.DRAFT, was_published=True)),
}
DONE = {
    "draft": "Saved as a draft.",
    "publish": "Published: readers can read it now.",
    "schedule": "Scheduled for {when}.",
    "unpublish": "Unpublished: it is a draft again, hidden from readers.",
}


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _q) in STATES.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
        if value == "published":
            return queryset.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())
        if value in STATES:
            return queryset.filter(STATES[value][1])
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Filter by tag, listing only tags that posts use."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        from taggit.models import Tag

        return Tag.objects.filter(blog_taggedpost_items__isnull=False).distinct().values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Post.objects.dates("published_at", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(published_at__year=int(value))
        return queryset


class PostAdmin(admin.ModelAdmin):
    form = PostForm
    list_display = ["title", "state_label", "date", "tag_list", "saves", "reading"]
    list_filter = [StateFilter, TagFilter, YearFilter]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["reading_minutes", "source_path", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "body", "tags"]}),
        ("Publishing", {"fields": ["publish_at", "slug", "revised_at"]}),
        ("Summary", {"fields": ["excerpt", "description"], "classes": ["collapse"]}),
        (
            "History",
            {
                "fields": ["body_format", "legacy_url", "source_path", "reading_minutes", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        from blog.admin_forms import MarkdownEditor

        form = super().get_form(request, obj, change=change, **kwargs)
        if "body" in form.base_fields:
            form.base_fields["body"].widget = MarkdownEditor(post=obj)
        return form

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("body_html", "body_text")
            .prefetch_related("tags")
            .with_was_published()
            .annotate(save_count=Count("favourites", distinct=True))
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/revisions/", view(revision_views.history), name="blog_post_revisions"),
            path("<int:pk>/revisions/<int:rid>/", view(revision_views.compare), name="blog_post_revision"),
            path(
                "<int:pk>/revisions/<int:rid>/restore/", view(revision_views.restore), name="blog_post_revision_restore"
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["post_state"] = obj.state if obj is not None else "draft"
        context["pending_autosave"] = revisions.pending_autosave(obj) if obj is not None else None
        context["site_time_zone"] = timezone.get_current_timezone_name()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        action = form.action
        at = form.cleaned_data.get("publish_at")
        if action == "publish":
            publishing.publish_now(post=obj, at=at, author=request.user)
        elif action == "schedule":
            publishing.schedule(post=obj, at=at, author=request.user)
        elif action == "unpublish":
            publishing.unpublish(post=obj, author=request.user)
        elif action == "draft" or not change:
            publishing.save_draft(post=obj)
        else:
            if obj.status == Post.Status.PUBLISHED and at is not None:
                obj.published_at = at
            obj.save()
            # Every version readers have seen is kept: an edit to a public post is a published version.
            kind = Revision.Kind.PUBLISHED if obj.is_public else Revision.Kind.MANUAL
            revisions.record(post=obj, kind=kind, author=request.user)

    def _desk_response(self, request, obj):
        action = getattr(request, "desk_action", None)
        when = timezone.localtime(obj.published_at).strftime("%-d %B %Y, %H:%M") if obj.published_at else ""
        self.message_user(request, DONE[action].format(when=when), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:blog_post_change", args=[obj.pk]))

    def save_form(self, request, form, change):
        request.desk_action = form.action if form.action in DONE else None
        return super().save_form(request, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "desk_action", None):
            return self._desk_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "desk_action", None):
            return self._desk_response(request, obj)
        return super().response_change(request, obj)

    @admin.display(description="state", ordering="status")
    def state_label(self, post):
        state = post.state
        if state == "scheduled":
            when = timezone.localtime(post.published_at)
            return format_html(
                '<span class="desk-state desk-state-scheduled">Scheduled</span> <time datetime="{}">{}</time>',
                when.isoformat(),
                when.strftime("%-d %b %Y, %H:%M"),
            )
        return format_html('<span class="desk-state desk-state-{}">{}</span>', state, STATES[state][0])

    @admin.display(description="date", ordering="published_at")
    def date(self, post):
        if post.state in {"draft"}:
            return "—"
        return timezone.localtime(post.published_at).strftime("%-d %b %Y")

    @admin.display(description="tags")
    def tag_list(self, post):
        return ", ".join(sorted(tag.name for tag in post.tags.all()))

    @admin.display(description="saves", ordering="save_count")
    def saves(self, post):
        return post.save_count

    @admin.display(description="read", ordering="reading_minutes")
    def reading(self, post):
        return f"{post.reading_minutes} min"

    @admin.action(description="Publish the selected drafts now", permissions=["change"])
    def publish(self, request, queryset):
        changed = 0
        for post in queryset.filter(status=Post.Status.DRAFT):
            publishing.publish_now(post=post, author=request.user)
            changed += 1
        self.message_user(request, f"Published {changed} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected posts (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = 0
        for post in queryset.filter(status=Post.Status.PUBLISHED):
            publishing.unpublish(post=post, author=request.user)
            changed += 1
        self.message_user(request, f"Moved {changed} post(s) back to draft.", messages.SUCCESS)
