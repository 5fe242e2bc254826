"""Staff's view of members and what they saved, without ever showing a member's private note.

Members sign in by email, so the user admin orders, searches and creates by email. Saved pieces
are read-only here: staff can see who saved what and when, and *that* a note exists, never its
words (the note is neither displayed, editable, searchable nor exported from the admin).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import BooleanField, Count, ExpressionWrapper, Q

from accounts.forms import MemberChangeForm, MemberCreationForm
from accounts.models import Favourite, User


@admin.register(User)
class MemberAdmin(BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    list_display = ["email", "date_joined", "last_login", "saved", "is_active", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(saved_count=Count("favourites", distinct=True))

    @admin.display(description="saved pieces", ordering="saved_count")
    def saved(self, user):
        return user.saved_count


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ["piece", "member", "saved_at", "has_note", "post_status"]
    list_filter = ["saved_at"]
    search_fields = ["user__email", "post_title", "post__title"]
    date_hierarchy = "saved_at"
    list_select_related = ["user", "post"]
    list_per_page = 50
    # The note never reaches a page of the admin: only the fact that there is one.
    fields = ["member", "piece", "saved_at", "has_note", "post_status"]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        # Whether there is a note is computed by the database; the text itself is never loaded.
        return (
            super()
            .get_queryset(request)
            .defer("note", "post__body", "post__body_html", "post__body_text")
            .annotate(note_present=ExpressionWrapper(~Q(note=""), output_field=BooleanField()))
        )

    @admin.display(description="piece", ordering="post_title")
    def piece(self, favourite):
        return favourite.title

    @admin.display(description="member", ordering="user__email")
    def member(self, favourite):
        return favourite.user.email

    @admin.display(description="has a note", boolean=True, ordering="note_present")
    def has_note(self, favourite):
        return favourite.note_present

    @admin.display(description="post")
    def post_status(self, favourite):
        return {"published": "Published", "unpublished": "Not published", "deleted": "Deleted"}[favourite.status]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Staff may look, not edit: the row and its note belong to the member.
        return False
