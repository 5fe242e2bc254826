"""What accounts' "Download my data" and account deletion ask of responses (see ACCOUNT_DATA_PROVIDERS).

accounts knows nothing of responses: it loads this object by name from settings and calls it.
"""

import datetime

from blog.posts import site_url
from responses import services
from responses.models import NoticeEmail, Notices, Responder, Response

KEEP = "keep"
DELETE = "delete"


def _iso(moment) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


class ResponsesData:
    name = "responses"

    def export(self, user) -> dict:
        """The member's display name, email choices and every response they wrote, in any state (four queries)."""
        responder = Responder.objects.filter(user=user).first()
        choice = Notices.objects.filter(user=user).first()
        emails = NoticeEmail.objects.filter(recipient=user).order_by("claimed_at", "pk")
        rows = Response.objects.filter(author=user).select_related("post").order_by("created_at", "pk")
        return {
            "display_name": responder.display_name if responder else None,
            "email_notices": {
                "replies_summary": choice.replies if choice else False,
                "moderation_emails": choice.moderation if choice else True,
                "sent": [
                    {"kind": row.kind, "day": row.day.isoformat(), "status": row.status, "sent_at": _iso(row.sent_at)}
                    for row in emails
                ],
            },
            "items": [
                {
                    "post": site_url(row.post.get_absolute_url()),
                    "post_title": row.post.title,
                    "in_reply_to": row.parent_id,
                    "id": row.pk,
                    "body": row.body,
                    "status": row.status,
                    "written_at": _iso(row.created_at),
                    "edited_at": _iso(row.edited_at),
                }
                for row in rows
            ],
        }

    def deletion_question(self, user) -> tuple[str, list[tuple[str, str]]] | None:
        """What to ask before the account goes, or None when the member never responded."""
        if not Response.objects.filter(author=user).exists():
            return None
        return (
            "Your responses",
            [
                (DELETE, "Delete my responses (replies from others stay, under “removed”)"),
                (KEEP, "Keep them, shown as written by “a former member”"),
            ],
        )

    def forget(self, user, answer: str | None) -> None:
        """Called just before the account is deleted, in the same transaction."""
        services.member_forget(user=user, delete_responses=answer != KEEP)


provider = ResponsesData()
