"""Imports in the admin's "Writing" section: the list of past imports, the upload form as its "Add" page,
and each import's progress and outcome table as its own page (views in imports/views.py)."""

from django.contrib import admin
from django.urls import path

from imports import views
from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "file_name", "status", "done", "total", "uploaded_by")
    list_filter = ("status",)
    list_select_related = ("uploaded_by",)
    search_fields = ("file_name",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return views.may_import(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a record of what happened: nothing to edit

    def add_view(self, request, form_url="", extra_context=None):
        return views.upload(request, site=self.admin_site)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.run_detail(request, object_id, site=self.admin_site)

    def get_urls(self):
        progress = self.admin_site.admin_view(views.progress)
        return [
            path("<path:object_id>/progress/", progress, name="imports_importrun_progress"),
            *super().get_urls(),
        ]
