"""Staff's view of members and what they saved, without ever showing a member's private note.

Members sign in by email, so the user admin orders, searches and creates by email. Saved pieces
are read-only here: staff can see who saved what and when, and *that* a note exists, never its
words (the note is neither displayed, editable, searchable, filterable nor exported from the admin).

Staff log in through the members' login page (allauth's): one door, so one set of limits (the lockout
per account and address, allauth's rate limits) and one password hash per attempt; they change their
password there too, so the change is rate limited and emailed.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.constants import LOOKUP_SEP
from django.shortcuts import redirect

from accounts.forms import MemberChangeForm, MemberCreationForm
from accounts.models import Favourite, User
from accounts.saved_pieces import saved_ids_changed

admin.site.login = secure_admin_login(admin.site.login)


def _change_password_on_the_members_page(request, extra_context=None):
    # allauth's page asks for the old password, is rate limited and emails the member about the change.
    return redirect("account_change_password")


admin.site.password_change = _change_password_on_the_members_page


class PrivateFieldsMixin:
    """Refuse any changelist lookup (``?field__regex=``…) that starts at a private field.

    Django lets a changelist's query string filter on every field of the model itself; a lookup on a
    private one would read it a character at a time. A refused lookup is a 400, never a filter.
    """

    private_fields: frozenset[str] = frozenset()

    def lookup_allowed(self, lookup, value, request):
        if lookup.split(LOOKUP_SEP, 1)[0] in self.private_fields:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(User)
class MemberAdmin(PrivateFieldsMixin, BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    list_display = ["email", "date_joined", "last_login", "saved", "is_active", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    # The password hash, and anything reached through a member's saved pieces (their notes).
    private_fields = frozenset({"password", "favourites"})
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
class FavouriteAdmin(PrivateFieldsMixin, admin.ModelAdmin):
    list_display = ["piece", "member", "saved_at", "has_note", "post_status"]
    list_filter = ["saved_at"]
    search_fields = ["user__email", "post_title", "post__title"]
    private_fields = frozenset({"note"})
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

    # A plain "yes"/"no": a note is nothing wrong, so not the admin's red cross.
    @admin.display(description="has a note", ordering="note_present")
    def has_note(self, favourite):
        return "yes" if favourite.note_present else "no"

    @admin.display(description="post")
    def post_status(self, favourite):
        return {"published": "Published", "unpublished": "Not published", "deleted": "Deleted"}[favourite.status]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Staff may look, not edit: the row and its note belong to the member.
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        saved_ids_changed(user_id=obj.user_id)  # the member's Save buttons read their pieces again

    def delete_queryset(self, request, queryset):
        user_ids = set(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        for user_id in user_ids:
            saved_ids_changed(user_id=user_id)
