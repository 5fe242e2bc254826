"""Responses on other apps' pages: the post page's section and the account page's display name."""

from django import template

from responses import notices, threads
from responses.forms import DisplayNameForm, NoticesForm
from responses.models import Responder

register = template.Library()


@register.inclusion_tag("responses/section.html", takes_context=True)
def responses_section(context, post):
    """The responses under a post: threads, and the form (members) or a way to log in (readers)."""
    if not post.is_public:
        return {"off": True}
    request = context["request"]
    found = threads.section(request, post)
    if found is None:
        return {"off": True}
    return {**found, "request": request, "user": context["user"]}


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
