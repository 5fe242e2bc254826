"""What every template may ask about the member: which posts they have saved (for the Save buttons)."""

from django.utils.functional import SimpleLazyObject

from accounts.saved_pieces import saved_post_ids


def saved(request):
    """``saved_post_ids``: read on the first Save button a page draws (one query), never for anonymous readers;
    ``save_form_parts``: where the Save buttons keep what they draw once a page (new for each page)."""
    return {"saved_post_ids": SimpleLazyObject(lambda: saved_post_ids(user=request.user)), "save_form_parts": {}}
