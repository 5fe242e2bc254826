"""Staff's writing desk: posts (blog/admin_posts.py), tags (blog/admin_tags.py), site text and pictures."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from blog import images
from blog.admin_posts import PostAdmin
from blog.admin_tags import TagAdmin
from blog.images import public_url
from blog.models import Image, Post, SiteSettings

admin.site.register(Post, PostAdmin)
__all__ = ["PostAdmin", "TagAdmin"]


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


class ImageUploadForm(forms.ModelForm):
    """Upload: the file is checked by decoding it, cleaned and stored before the form is saved."""

    upload = forms.FileField(label="Picture", help_text="JPEG, PNG, GIF or WebP, up to 20 MB and 40 megapixels.")

    class Meta:
        model = Image
        fields = ["alt_text"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is None:
            return cleaned
        if upload.size > images.MAX_BYTES:
            self.add_error("upload", f"The file is {upload.size / 1_048_576:.1f} MB; images may be up to 20 MB.")
            return cleaned
        try:
            self.stored = images.store_image(
                data=upload.read(), alt_text=cleaned.get("alt_text", ""), source_path=upload.name
            )
        except images.ImageRejected as error:
            self.add_error("upload", f"This file cannot be used: {error}.")
        return cleaned


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "__str__", "dimensions", "source", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["source"]
    search_fields = ["alt_text", "source_path"]
    readonly_fields = ["preview", "markdown", "dimensions", "source", "source_path", "used_in_posts", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt_text"]
        return ["preview", "alt_text", "markdown", "dimensions", "source", "source_path", "used_in_posts", "created_at"]

    def save_form(self, request, form, change):
        unsaved = super().save_form(request, form, change)
        stored = getattr(form, "stored", None)
        if stored is None:
            return unsaved
        # The picture was stored while the form was checked (or found stored already): that row is the one.
        if form.cleaned_data.get("alt_text") and not stored.alt_text:
            stored.alt_text = form.cleaned_data["alt_text"]
        return stored

    @admin.display(description="")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" width="80" height="{}" class="image-thumbnail">',
            public_url(image.rendition_name(image.widths[0]) if image.widths else image.name),
            max(1, round(80 * image.height / image.width)),
        )

    @admin.display(description="Preview")
    def preview(self, image):
        width = min(image.width, 600)  # no inline style under the CSP: the size is in the attributes
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}">',
            public_url(image.rendition_name(image.widths[-1]) if image.widths else image.name),
            image.alt_text,
            width,
            max(1, round(width * image.height / image.width)),
        )

    @admin.display(description="In an essay")
    def markdown(self, image):
        return format_html("<code>![{}]({})</code>", image.alt_text or "describe the picture", image.path)

    @admin.display(description="Size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description="Used in")
    def used_in_posts(self, image):
        posts = list(image.used_in())
        if not posts:
            return "No essay yet"
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((reverse("admin:blog_post_change", args=[p.pk]), p.title) for p in posts)
        )

    def get_deleted_objects(self, objs, request):
        """A picture an essay still shows is protected: deleting it is refused, naming the essays."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            protected += [f"{post.title} (uses {image})" for post in image.used_in()]
        return deleted, counts, perms_needed, protected
