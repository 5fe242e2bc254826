"""Download my data: everything the site keeps about a member, as one JSON file they can read.

The account (email addresses, date joined) and every saved piece with its title, address,
whether it is still published, when it was saved and the private note; pieces the member removed
are there too (with when), since their notes are kept. A piece no longer public shows its last
public title and no address: nothing of a draft.
"""

import datetime
import json

from allauth.account.models import EmailAddress
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Favourite
from accounts.providers import data_providers
from blog.posts import site_url

FORMAT_VERSION = 2  # 2: removed pieces, with removed_at, are included for their notes


def _iso(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat()


def member_data(user) -> dict:
    """The member's data as plain JSON-ready values (two queries whatever its size, plus each provider's)."""
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    favourites = Favourite.objects.for_user(user).for_list()
    data = {
        "format": FORMAT_VERSION,
        "site": settings.SITE_URL,
        "exported_at": _iso(timezone.now()),
        "account": {
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "email_addresses": [
                {"email": address.email, "primary": address.primary, "verified": address.verified}
                for address in addresses
            ],
        },
        "saved_pieces": [
            {
                "title": favourite.title,
                "url": site_url(favourite.post.get_absolute_url()) if favourite.is_public else None,
                "status": favourite.status,
                "saved_at": _iso(favourite.saved_at),
                "removed_at": _iso(favourite.removed_at) if favourite.removed_at else None,
                "note": favourite.note,
            }
            for favourite in favourites
        ],
    }
    for provider in data_providers():
        data[provider.name] = provider.export(user)
    return data


def download(user) -> HttpResponse:
    """The member's data as a JSON file attachment, dated, never cached."""
    body = json.dumps(member_data(user), ensure_ascii=False, indent=2)
    filename = f"{slugify(settings.SITE_NAME) or 'site'}-my-data-{timezone.localdate().isoformat()}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
