"""Staff's writing desk: posts with status, scheduling, tags, publish/unpublish actions."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html

from blog.models import Post, SiteSettings


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


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "published_at", "tag_list", "saves", "reading_minutes"]
    list_filter = ["status", TagFilter, YearFilter]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["reading_minutes", "source_path", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "body_format", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "revised_at"]}),
        ("Summary", {"fields": ["excerpt", "description"], "classes": ["collapse"]}),
        (
            "History",
            {
                "fields": ["legacy_url", "source_path", "reading_minutes", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("body_html", "body_text")
            .prefetch_related("tags")
            .annotate(save_count=Count("favourites", distinct=True))
        )

    @admin.display(description="status", ordering="status")
    def status_label(self, post):
        if post.is_scheduled:
            return format_html("Scheduled for {}", timezone.localtime(post.published_at).strftime("%d %b %Y %H:%M"))
        return post.get_status_display()

    @admin.display(description="tags")
    def tag_list(self, post):
        return ", ".join(sorted(tag.name for tag in post.tags.all()))

    @admin.display(description="saves", ordering="save_count")
    def saves(self, post):
        return post.save_count

    @admin.action(description="Publish the selected posts")
    def publish(self, request, queryset):
        changed = 0
        for post in queryset.filter(status=Post.Status.DRAFT):
            post.status = Post.Status.PUBLISHED
            post.save()
            changed += 1
        self.message_user(request, f"Published {changed} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected posts (back to draft)")
    def unpublish(self, request, queryset):
        changed = 0
        for post in queryset.filter(status=Post.Status.PUBLISHED):
            post.status = Post.Status.DRAFT
            post.save()
            changed += 1
        self.message_user(request, f"Moved {changed} post(s) back to draft.", messages.SUCCESS)


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it, and it cannot be added twice or deleted."""

    fieldsets = [
        ("Home page", {"fields": ["tagline", "introduction"]}),
        ("Essays", {"fields": ["author_name"]}),
        ("About page", {"fields": ["about"]}),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        text = SiteSettings.load()
        if text._state.adding:
            return redirect("admin:blog_sitesettings_add")
        return redirect("admin:blog_sitesettings_change", text.pk)
