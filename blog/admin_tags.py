"""Tags in the desk: rename, and merge several into one (every post keeps its place under the kept tag)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from taggit.models import Tag

from blog.desk import tags as tag_services


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Keep this tag", empty_label=None)

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tags


class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "posts"]
    search_fields = ["name"]
    ordering = ["name"]
    fields = ["name", "slug"]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("blog_taggedpost_items", distinct=True))

    @admin.display(description="posts", ordering="post_count")
    def posts(self, tag):
        return tag.post_count

    @admin.action(description="Merge the selected tags into one", permissions=["change"])
    def merge(self, request, queryset):
        tags = queryset.order_by("name")
        if tags.count() < 2:
            self.message_user(request, "Choose two tags or more to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, tags=tags)
        if form.is_valid():
            into = form.cleaned_data["into"]
            moved = tag_services.merge_tags(into=into, others=[tag for tag in tags if tag.pk != into.pk])
            self.message_user(request, f"Merged into “{into.name}”: {moved} post(s) moved.", messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.model._meta,
            "tags": tags,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)


admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)
