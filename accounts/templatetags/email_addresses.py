"""Helpers for the email page's template."""

from django import template

register = template.Library()


@register.filter
def any_unconfirmed(addresses) -> bool:
    """Whether any of the member's addresses still waits for its confirmation (then "send again" helps)."""
    return any(not address.verified for address in addresses)
