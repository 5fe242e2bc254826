"""What accounts' "Download my data" and account deletion ask of subscriptions (see ACCOUNT_DATA_PROVIDERS).

A member's subscriptions are the one attached to their account and any other kept for an address they
have confirmed (a member who follows under one address leaves another unattached).
"""

import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q

from blog.posts import site_url
from subscriptions.models import Delivery, Mailing, Subscriber

KEEP = "keep"
STOP = "stop"


def _iso(moment) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _members_subscribers(user):
    confirmed = EmailAddress.objects.filter(user=user, verified=True).values("email")
    # Subscriber addresses are stored case-folded; allauth keeps what the member typed.
    addresses = [email.lower() for email in confirmed.values_list("email", flat=True)]
    return Subscriber.objects.filter(Q(user=user) | Q(email__in=addresses))


def _mailing(delivery: Delivery) -> dict:
    mailing = delivery.mailing
    if mailing.kind == Mailing.Kind.DIGEST:
        return {"digest_from": mailing.period_start.isoformat(), "digest_to": mailing.period_end.isoformat()}
    post = mailing.post
    public = post is not None and post.is_public
    return {"essay": post.title if public else None, "url": site_url(post.get_absolute_url()) if public else None}


class SubscriptionData:
    name = "email_subscriptions"

    def export(self, user) -> list[dict]:
        """Each subscription: address, choice, tags, when confirmed, suppression, and every email sent or due."""
        subscribers = list(_members_subscribers(user).prefetch_related("tags").order_by("pk"))
        deliveries = (
            Delivery.objects.filter(subscriber__in=subscribers)
            .select_related("mailing__post")
            .defer("mailing__post__body", "mailing__post__body_html", "mailing__post__body_text")
            .order_by("subscriber_id", "pk")
        )
        by_subscriber: dict[int, list[dict]] = {}
        for delivery in deliveries:
            by_subscriber.setdefault(delivery.subscriber_id, []).append(
                {**_mailing(delivery), "status": delivery.status, "sent_at": _iso(delivery.sent_at)}
            )
        return [
            {
                "email": subscriber.email,
                "attached_to_this_account": subscriber.user_id == user.pk,
                "choice": subscriber.frequency,
                "choice_label": subscriber.get_frequency_display(),
                "tags": sorted(tag.name for tag in subscriber.tags.all()),
                "confirmed_at": _iso(subscriber.confirmed_at),
                "suppressed_at": _iso(subscriber.suppressed_at),
                "suppressed_reason": subscriber.suppressed_reason,
                "emails": by_subscriber.get(subscriber.pk, []),
            }
            for subscriber in subscribers
        ]

    def deletion_question(self, user) -> tuple[str, list[tuple[str, str]]] | None:
        """Ask only when essays still go to one of the member's addresses."""
        receiving = [each for each in _members_subscribers(user) if each.is_receiving]
        if not receiving:
            return None
        addresses = ", ".join(each.email for each in receiving)
        return (
            "Essays by email",
            [
                (STOP, f"Stop them and forget {addresses}"),
                (KEEP, f"Keep sending essays to {addresses}, without an account"),
            ],
        )

    def forget(self, user, answer: str | None) -> None:
        """Called just before the account is deleted, in the same transaction."""
        subscribers = _members_subscribers(user)
        with transaction.atomic():
            if answer == KEEP:
                # Detached, it outlives the account: the links in its emails still manage it.
                subscribers.filter(user=user).update(user=None)
            else:
                subscribers.delete()


provider = SubscriptionData()
