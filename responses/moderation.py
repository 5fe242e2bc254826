"""Staff's writes: approve, reject or hide responses, and stop a member from responding.

Every action is written to the :class:`~responses.models.ModerationLog` in the same transaction,
and the content version moves on commit when a reader's page changes.
"""

from django.db import transaction
from django.utils import timezone

from responses import rules
from responses.models import Ban, ModerationLog, Report, Response
from responses.services import public_change

STATUS_FOR = {
    ModerationLog.Action.APPROVE: Response.Status.PUBLISHED,
    ModerationLog.Action.REJECT: Response.Status.REJECTED,
    ModerationLog.Action.HIDE: Response.Status.HIDDEN,
}


def _log(*, actor, action, response=None, member=None, reason: str = "") -> ModerationLog:
    return ModerationLog(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        response=response,
        member=member,
        reason=reason,
    )


def moderate(*, actor, responses, action: str, reason: str = "") -> int:
    """Approve, reject or hide ``responses`` (a queryset or list), resolving their reports.

    A response removed by its author keeps that state. Returns how many responses changed.
    """
    status = STATUS_FOR[ModerationLog.Action(action)]
    ids = [each.pk for each in responses if each.status != Response.Status.REMOVED]
    with transaction.atomic():
        rows = list(Response.objects.select_for_update().filter(pk__in=ids))
        changed = [row for row in rows if row.status != status]
        touches_public = any(Response.Status.PUBLISHED in (row.status, status) for row in changed)
        now = timezone.now()
        Response.objects.filter(pk__in=[row.pk for row in changed]).update(status=status, updated_at=now)
        if status == Response.Status.PUBLISHED:
            # The first time readers see it; approved again after a hide, it is not news.
            Response.objects.filter(pk__in=[row.pk for row in changed], published_at=None).update(published_at=now)
        Report.objects.filter(response_id__in=ids, resolved_at=None).update(resolved_at=timezone.now())
        ModerationLog.objects.bulk_create(
            [_log(actor=actor, action=action, response=row, member=row.author, reason=reason) for row in rows]
        )
        # Their authors' own responses are kept with their state (a held one rejected must go from their page).
        rules.forget_member_states(row.author_id for row in changed)
        if touches_public:
            public_change()
    return len(changed)


def ban_save(*, actor, ban: Ban, adding: bool = True) -> Ban:
    """Stop ``ban.user`` from responding (until ``ban.ends_at``), optionally hiding their past responses."""
    with transaction.atomic():
        if adding:
            ban.created_by = actor
        ban.save()
        rules.forget_member_state(ban.user)
        reason = ban.reason if not ban.ends_at else f"{ban.reason} (until {ban.ends_at:%Y-%m-%d %H:%M})"
        _log(actor=actor, action=ModerationLog.Action.BAN, member=ban.user, reason=reason).save()
        if ban.hide_past_responses:
            past = Response.objects.filter(
                author=ban.user, status__in=[Response.Status.PUBLISHED, Response.Status.HELD]
            )
            moderate(actor=actor, responses=list(past), action=ModerationLog.Action.HIDE, reason=f"ban: {ban.reason}")
    return ban
