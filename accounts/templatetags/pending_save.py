"""What the login and sign-up pages say when a reader came to them by pressing Save."""

from django import template

from accounts import pending

register = template.Library()


@register.simple_tag(takes_context=True)
def post_to_save(context):
    """The piece the reader pressed Save on before logging in, or None."""
    request = context.get("request")
    return pending.peek(request) if request is not None else None
