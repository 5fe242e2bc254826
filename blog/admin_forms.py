"""The post form of the desk: the big editor, tag suggestions, and publishing by action, not by status."""

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from taggit.forms import TagWidget

from blog.models import Post

# The submit buttons of the post form and what each does (see blog.desk.publishing).
ACTIONS = {
    "_draft": "draft",
    "_publish": "publish",
    "_schedule": "schedule",
    "_unpublish": "unpublish",
}
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def action_of(data) -> str:
    """Which publishing button sent ``data`` ("save" for the plain save buttons)."""
    for key, action in ACTIONS.items():
        if key in data:
            return action
    return "save"


class MarkdownEditor(forms.Textarea):
    """The body's textarea inside the desk: toolbar, live preview, counts, warnings, pictures, autosave."""

    def __init__(self, *, post=None, attrs=None):
        super().__init__(attrs={"rows": 24, "class": "desk-body", "spellcheck": "true", **(attrs or {})})
        self.post = post

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        urls = {
            "preview": reverse("admin:desk-preview"),
            "upload": reverse("admin:desk-image-upload"),
            "images": reverse("admin:desk-image-list"),
            "autosave": reverse("admin:desk-autosave", args=[self.post.pk]) if self.post and self.post.pk else "",
            "autosave_new": "" if self.post and self.post.pk else reverse("admin:desk-autosave-new"),
        }
        return render_to_string("admin/blog/post/editor.html", {"textarea": textarea, "urls": urls, "name": name})


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated field, with existing tags suggested as you type (static/js/admin/tags.js)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "class": "desk-tags vLargeTextField",
                "data-suggest-url": reverse("admin:desk-tag-suggest"),
                "autocomplete": "off",
                "aria-describedby": f"{context['widget']['attrs'].get('id', 'id_tags')}_helptext",
            }
        )
        return context


class PostForm(forms.ModelForm):
    """Staff set a publish date only when they mean one; the form never proposes the time it was opened."""

    publish_at = forms.DateTimeField(
        required=False,
        label="Publish date",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=(
            f"In the site's time zone ({settings.TIME_ZONE}). Empty: “Publish now” dates it now. "
            "A time ahead, with “Schedule…”, publishes it then."
        ),
    )

    class Meta:
        model = Post
        fields = ["title", "slug", "body", "body_format", "tags", "revised_at", "excerpt", "description", "legacy_url"]
        widgets = {"tags": TagSuggestWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        post = self.instance
        if post.pk and post.status == Post.Status.PUBLISHED:
            self.fields["publish_at"].initial = timezone.localtime(post.published_at).replace(second=0, microsecond=0)
        if "tags" in self.fields:
            self.fields["tags"].help_text = "Separate tags with commas; existing tags are suggested as you type."

    def clean(self):
        cleaned = super().clean()
        action = action_of(self.data)
        at = cleaned.get("publish_at")
        now = timezone.now()
        if action == "schedule":
            if at is None:
                self.add_error("publish_at", "Choose the date and time to publish it.")
            elif at <= now:
                self.add_error("publish_at", "That time has passed: choose a time ahead, or Publish now.")
        elif action == "publish" and at is not None and at > now:
            self.add_error("publish_at", "That date is ahead: use “Schedule…” to publish it then.")
        elif action == "save" and self.instance.pk and self.instance.is_public and at is not None and at > now:
            self.add_error("publish_at", "This post is public: unpublish it first, or choose a date already past.")
        self.action = action
        return cleaned
