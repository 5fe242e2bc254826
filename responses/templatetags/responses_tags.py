"""Responses on other apps' pages: the post page's section and the account page's display name."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from responses import notices, section_parts, threads
from responses.forms import DisplayNameForm, EditForm, NoticesForm, ResponseForm
from responses.models import Responder

register = template.Library()


def _addresses(script_prefix: str, slug: str) -> tuple[str, str]:
    """Where a post's response form is sent, and the responses script: the same for every member."""
    return reverse("responses:respond", args=[slug]), static("js/responses.js")


# Keyed by the script prefix and the post's slug, as the Save buttons' addresses are.
_kept_addresses = lru_cache(maxsize=4096)(_addresses)


@register.simple_tag(takes_context=True)
def responses_section(context, post) -> str:
    """The responses under a post: threads, and the form (members) or a way to log in (readers)."""
    if not post.is_public:
        return ""
    request = context["request"]
    found = threads.section(request, post)
    if found is None:
        return ""
    user = context["user"]
    if not user.is_authenticated:
        return section_parts.section_html(found, user=user)
    addresses = _addresses if settings.DEBUG else _kept_addresses
    respond_url, script_url = addresses(get_script_prefix(), post.slug)
    respond = section_parts.respond_html(
        found, post=post, csrf_token=context.get("csrf_token"), respond_url=respond_url, script_url=script_url
    )
    return section_parts.section_html(found, user=user, respond=respond)


@register.inclusion_tag("responses/account_section.html", takes_context=True)
def display_name_section(context):
    """The account page's part: the member's display name, to choose or change."""
    user = context["user"]
    responder = Responder.objects.filter(user=user).first()
    form = DisplayNameForm(initial={"display_name": responder.display_name if responder else ""})
    return {
        "form": form,
        "responder": responder,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("responses/account_notices.html", takes_context=True)
def notices_section(context):
    """The account page's part: which emails about responses the member wants."""
    user = context["user"]
    choice = notices.member_notices(user)
    moderator = notices.can_moderate(user)
    form = NoticesForm(initial={"replies": choice.replies, "moderation": choice.moderation}, moderator=moderator)
    return {"form": form, "moderator": moderator, "csrf_token": context.get("csrf_token")}


def _draw_field(name: str, required: bool) -> str:
    form = ResponseForm(needs_name=True)
    form.fields[name].required = required
    return form[name].as_field_group()


# A handful of entries: a field of the response form, required or not.
_drawn_fields = lru_cache(maxsize=8)(_draw_field)


@register.simple_tag
def response_field(form, name: str) -> str:
    """``form[name].as_field_group()`` of a :class:`ResponseForm`, drawn once per process while empty.

    An unbound response form's fields (label, help, empty box) are the same for every member, and the
    form is on every post page a member opens: Django's form rendering was a third of that page. A form
    sent back with errors or words in it is drawn as it is. Debug mode draws it every time.
    """
    if form.is_bound or settings.DEBUG or form.initial.get(name) or form.prefix or form.auto_id != "id_%s":
        return form[name].as_field_group()
    return _drawn_fields(name, form.fields[name].required)


def _draw_edit_box(auto_id: str) -> str:
    return EditForm(auto_id=auto_id)["body"].as_widget()


# One entry in practice: the section's edit form always has the same ids.
_drawn_edit_boxes = lru_cache(maxsize=4)(_draw_edit_box)


@register.simple_tag
def edit_box(form) -> str:
    """The empty text box of the section's in-place edit form (an :class:`EditForm`), drawn once per process.

    It is the same on every page where a member may still edit a response; the words come from the server
    when they press Edit. Debug mode draws it every time.
    """
    if form.is_bound or settings.DEBUG or form.initial or form.prefix:
        return form["body"].as_widget()
    return _drawn_edit_boxes(form.auto_id)
