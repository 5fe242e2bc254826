"""Members' writes on responses: keyword-only, checked here (not in views), safe under concurrency.

A :class:`Refused` carries a calm sentence for the form. Any write that changes what an anonymous
reader sees moves the content version when it commits, so the cached post page is drawn again.
"""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from blog.caching import bump_on_commit
from responses import markdown, rules, tasks
from responses.models import BODY_MAX_LENGTH, Notices, Report, Responder, Response, WordRule


class Refused(Exception):
    """A write that cannot happen, with a sentence for the member."""


CLOSED = "Responses to this piece are closed."
RATE_LIMITED = "You have written a lot in a short time. Please take a pause and try again a little later."
BANNED = "You can't respond at the moment."
REJECTED = "This response can't be published here. Please reword it."
NO_NAME = "Please choose a display name first."
NO_PARENT = "That response can't be replied to."


def public_change() -> None:
    """What anonymous readers see has changed: retire cached pages when this transaction commits."""
    bump_on_commit()


def display_name_set(*, user, display_name: str) -> Responder:
    """Set the member's public display name (their existing responses show it at once)."""
    name = " ".join(display_name.split())
    if not name:
        raise Refused("A display name can't be empty.")
    responder, created = Responder.objects.update_or_create(user=user, defaults={"display_name": name})
    rules.forget_member_state(user)
    if not created and Response.objects.filter(author=user, status=Response.Status.PUBLISHED).exists():
        public_change()
    return responder


def _prepared_body(body: str) -> tuple[str, str]:
    text = markdown.clean_text(body)
    if not text:
        raise Refused("Please write something first.")
    if len(text) > BODY_MAX_LENGTH:
        raise Refused(f"A response holds up to {BODY_MAX_LENGTH:,} characters; this one has {len(text):,}.")
    if rules.word_effect(text) == WordRule.Effect.REJECT:
        raise Refused(REJECTED)
    return text, markdown.render(text)


def _thread_parent(*, user, post, parent: Response | None) -> Response | None:
    """The top-level response a reply attaches to (a reply to a reply joins the same thread)."""
    if parent is None:
        return None
    if parent.post_id != post.pk:
        raise Refused(NO_PARENT)
    top = parent.parent if parent.parent_id else parent
    for each in {parent, top}:
        if not (each.status == Response.Status.PUBLISHED or (each.is_held and each.author_id == user.pk)):
            raise Refused(NO_PARENT)
    return top


def response_create(*, user, post, body: str, key, parent: Response | None = None) -> Response:
    """Write ``user``'s response to ``post`` (held for a look when the rules say so).

    The same ``key`` twice (a double click, a resent form) gives back the first response.
    The caller passes a public post; whether it takes responses is checked here.
    """
    existing = Response.objects.filter(author=user, key=key).first()
    if existing is not None:
        return existing
    if rules.active_ban(user):
        raise Refused(BANNED)
    if rules.post_mode(post) != "open":
        raise Refused(CLOSED)
    if not Responder.objects.filter(user=user).exists():
        raise Refused(NO_NAME)
    if rules.rate_limited(user):
        raise Refused(RATE_LIMITED)
    text, html = _prepared_body(body)
    top = _thread_parent(user=user, post=post, parent=parent)
    held = rules.needs_a_look(user=user, post=post, body=text, body_html=html)
    response = Response(
        post=post,
        author=user,
        parent=top,
        body=text,
        body_html=html,
        key=key,
        by_writer=user.is_staff,
        status=Response.Status.HELD if held else Response.Status.PUBLISHED,
        published_at=None if held else timezone.now(),
    )
    try:
        with transaction.atomic():
            response.save()
            rules.forget_member_state(user)  # a post they now responded to
            if not held:
                public_change()
    except IntegrityError:
        # The same form arrived twice at once: the other request wrote it.
        return Response.objects.get(author=user, key=key)
    return response


def _own(user, response: Response) -> None:
    if response.author_id is None or response.author_id != user.pk:
        raise Refused("This is not your response.")


def response_edit(*, user, response: Response, body: str) -> Response:
    """Change the author's own response within its edit window; it shows as edited."""
    _own(user, response)
    if not response.can_edit(user):
        raise Refused("Responses can be edited for 24 hours after they are written.")
    text, html = _prepared_body(body)
    was_public = response.status == Response.Status.PUBLISHED
    # A published response was written by a trusted member: only the word list and links hold an edit.
    if (
        was_public
        and not user.is_staff
        and (rules.word_effect(text) == WordRule.Effect.HOLD or markdown.link_count(html) >= 2)
    ):
        response.status = Response.Status.HELD
    response.body, response.body_html, response.edited_at = text, html, timezone.now()
    with transaction.atomic():
        response.save(update_fields=["body", "body_html", "edited_at", "status", "updated_at"])
        rules.forget_member_state(user)  # their own responses, kept with their state
        if was_public:
            public_change()
    return response


def response_delete(*, user, response: Response) -> None:
    """Delete the author's own response: its words go, and with replies under it its place shows
    "removed by its author".

    The row stays, emptied, so that what a member wrote still counts towards the rate limits
    (writing and deleting would otherwise be a way round them). Readers never see a removed
    response that has no replies.
    """
    _own(user, response)
    with transaction.atomic():
        response.refresh_from_db(fields=["status"])  # staff may have moderated it since it was read
        was_public = response.status == Response.Status.PUBLISHED
        response.status, response.body, response.body_html = Response.Status.REMOVED, "", ""
        response.save(update_fields=["status", "body", "body_html", "updated_at"])
        rules.forget_member_state(user)
        if was_public:
            public_change()


def report_create(*, user, response: Response, reason: str, text: str = "") -> Report:
    """Report a response once; reporting again keeps the first report."""
    if response.author_id == user.pk:
        raise Refused("You can't report your own response.")
    if reason not in Report.Reason.values:
        raise Refused("Please choose a reason.")
    try:
        with transaction.atomic():
            report, created = Report.objects.get_or_create(
                response=response, reporter=user, defaults={"reason": reason, "text": text.strip()[:1000]}
            )
    except IntegrityError:
        report, created = Report.objects.get(response=response, reporter=user), False
    if created and report.reason == Report.Reason.AT_RISK:
        # Moderators hear at once, from the worker: the reporter's request never waits on a mail server.
        transaction.on_commit(lambda: tasks.alert_at_risk.enqueue(report.pk))
    return report


def notices_set(*, user, replies: bool, moderation: bool | None = None) -> Notices:
    """The member's choice of emails about responses; turning the replies summary on starts it from now.

    ``moderation`` (None: unchanged) only means something for staff who moderate.
    """
    with transaction.atomic():
        choice, _ = Notices.objects.select_for_update().get_or_create(user=user)
        if replies and not (choice.replies and choice.replies_since):
            choice.replies_since = timezone.now()
        choice.replies = replies
        if moderation is not None:
            choice.moderation = moderation
        choice.save()
    return choice


def replies_summary_stop(*, user_id: int) -> None:
    """Stop the daily replies summary (the one-click link in it; no login, so by the member's number)."""
    Notices.objects.filter(user_id=user_id).update(replies=False, updated_at=timezone.now())


def member_forget(*, user, delete_responses: bool) -> None:
    """Before an account goes: delete its responses, or leave them to "a former member".

    Replies under a deleted response stay, under "removed".
    """
    mine = Response.objects.filter(author=user)
    if not mine.exists():
        return
    with transaction.atomic():
        if delete_responses:
            has_replies = Exists(Response.objects.filter(parent=OuterRef("pk")))
            mine.filter(has_replies).update(status=Response.Status.REMOVED, body="", body_html="", author=None)
            mine.delete()
        public_change()
