"""Every write of the moderation tables: reports, decisions, sanctions, appeals.

A decision, its audit row, the change it makes to the item (through feeds'
actions, which publish after commit) and the author's notification commit
together or not at all.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from community import roles
from community.models import Member
from moderation import items, trust
from moderation.items import Item
from moderation.models import (
    APPEALABLE,
    OPEN_STATES,
    Appeal,
    AppealState,
    CaseState,
    Decision,
    DecisionAction,
    HiddenMessage,
    OriginalContent,
    Reason,
    Report,
    ReportGroup,
    Sanction,
    SanctionKind,
)
from moderation.notify import notify_decision

REASON_MAX_LENGTH = 1000


def check_moderator(user: User, town_id: int | None) -> None:
    """A moderator (or administrator) of that town, or a superuser; a moderator
    of another town is refused like anyone else."""
    if not roles.is_moderator(user, town_id):
        raise PermissionDenied


def _clean_reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({field: _("Indiquez le motif de la décision.")})
    return reason[:REASON_MAX_LENGTH]


def check_report(
    reporter: Member, kind: str, object_id: int, *, reason: str, text: str = ""
) -> Report:
    """Report an item once; reports on one item group together with a count."""
    trust.check_not_sanctioned(reporter)
    item = items.access_reportable(reporter, kind, object_id)
    if item.author is not None and item.author.pk == reporter.pk:
        raise ValidationError(_("Vous ne pouvez pas signaler ce qui vient de vous."))
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choisissez un motif.")})
    text = (text or "").replace("\x00", "").strip()[:1000]
    if reason == Reason.OTHER and not text:
        raise ValidationError({"text": _("Précisez le motif « Autre ».")})
    if Report.objects.filter(
        reporter=reporter, kind=kind, object_id=object_id
    ).exists():
        raise ValidationError(
            _("Vous avez déjà signalé %(what)s : la modération va l'examiner.")
            % {"what": items.describe(kind)},
            code="already_reported",
        )
    trusted = trust.trust_level(reporter) == trust.TrustLevel.TRUSTED
    try:
        with transaction.atomic():
            group = _open_group(item)
            report = Report.objects.create(
                group=group,
                reporter=reporter,
                kind=kind,
                object_id=object_id,
                reason=reason,
                text=text,
                trusted=trusted,
            )
            group.report_count = F("report_count") + 1
            group.trusted_count = F("trusted_count") + (1 if trusted else 0)
            if reason not in group.reasons:
                group.reasons = [*group.reasons, reason]
            group.updated_at = timezone.now()
            group.save(
                update_fields=["report_count", "trusted_count", "reasons", "updated_at"]
            )
            group.refresh_from_db(fields=["report_count", "trusted_count"])
            threshold = trust.conf("AUTO_HIDE_TRUSTED_REPORTS", reporter.town)
            if (
                group.state == CaseState.OPEN
                and item.can_hide
                and threshold
                and group.trusted_count >= threshold
            ):
                _hide_pending_review(group, item)
    except IntegrityError as error:
        # A concurrent report of the same member on the same item won the race.
        raise ValidationError(
            _("Vous avez déjà signalé %(what)s.") % {"what": items.describe(kind)},
            code="already_reported",
        ) from error
    return report


def _open_group(item: Item) -> ReportGroup:
    # The partial unique constraint keeps one open group per item; the row is
    # locked so that concurrent reports count right.
    group = (
        ReportGroup.objects.select_for_update()
        .filter(kind=item.kind, object_id=item.object_id, state__in=OPEN_STATES)
        .first()
    )
    if group is not None:
        return group
    with transaction.atomic():
        return ReportGroup.objects.create(
            town_id=item.town_id,
            kind=item.kind,
            object_id=item.object_id,
            author=item.author,
            neighbourhood_id=item.neighbourhood_id,
            excerpt=item.text[:200],
        )


def _hide_pending_review(group: ReportGroup, item: Item) -> None:
    _hide_item(item, None, None)
    group.state = CaseState.HIDDEN_PENDING
    group.save(update_fields=["state"])
    Decision.objects.create(
        group=group,
        moderator=None,
        action=DecisionAction.AUTO_HIDE,
        kind=item.kind,
        object_id=item.object_id,
        member=item.author,
        reason=_("Signalé par %(count)d membres de confiance.")
        % {"count": group.trusted_count},
    )


def _hide_item(item: Item, moderator: User | None, decision: Decision | None) -> None:
    # Through the kind's own hook (common.kinds, registered by its app).
    kind = item.content_kind
    if kind.hide is None:
        raise ValidationError(_("Un membre ne se masque pas : avertissez, suspendez."))
    if not kind.own_hidden_state:
        # A chat message has no state: moderation keeps it hidden here.
        _hidden, created = HiddenMessage.objects.get_or_create(
            message=item.obj, defaults={"decision": decision}
        )
        if not created:
            return
    kind.hide(item.obj, moderator, decision)


def _restore_item(item: Item, moderator: User) -> None:
    kind = item.content_kind
    if kind.restore is None:
        return
    if not kind.own_hidden_state:
        deleted, _rows = HiddenMessage.objects.filter(message=item.obj).delete()
        if not deleted:
            return
    kind.restore(item.obj, moderator)


def _decide(
    moderator: User | None,
    action: str,
    item: Item,
    reason: str,
    *,
    group: ReportGroup | None = None,
    member: Member | None = None,
    detail: dict | None = None,
    message: str = "",
) -> Decision:
    """Write the audit row, close the group, notify the member concerned."""
    decision = Decision.objects.create(
        group=group,
        moderator=moderator,
        action=action,
        kind=item.kind,
        object_id=item.object_id,
        member=member if member is not None else item.author,
        reason=reason,
        detail=detail or {},
    )
    if group is not None and group.is_open:
        group.state = CaseState.RESOLVED
        group.resolved_at = timezone.now()
        group.save(update_fields=["state", "resolved_at"])
    if message:
        notify_decision(decision, f"{message} {_('Motif :')} {reason}")
    return decision


def _item_of(group: ReportGroup) -> Item:
    item = items.load(group.kind, group.object_id)
    if item is None:
        raise ValidationError(_("Cet élément n'existe plus."))
    return item


def do_dismiss(moderator: User, group: ReportGroup, reason: str) -> Decision:
    """Close the reports without action; an item hidden pending review comes back."""
    check_moderator(moderator, group.town_id)
    reason = _clean_reason(reason)
    item = _item_of(group)
    with transaction.atomic():
        if group.state == CaseState.HIDDEN_PENDING:
            _restore_item(item, moderator)
        return _decide(moderator, DecisionAction.DISMISS, item, reason, group=group)


def do_hide(
    moderator: User, item: Item, reason: str, group: ReportGroup | None = None
) -> Decision:
    """Hide an item: it leaves feeds, search and live pages at once."""
    check_moderator(moderator, item.town_id)
    reason = _clean_reason(reason)
    with transaction.atomic():
        decision = _decide(
            moderator,
            DecisionAction.HIDE,
            item,
            reason,
            group=group,
            message=_("Votre contribution a été masquée par la modération."),
        )
        _hide_item(item, moderator, decision)
    return decision


def do_restore(
    moderator: User, item: Item, reason: str, group: ReportGroup | None = None
) -> Decision:
    """Put a hidden item back where it was."""
    check_moderator(moderator, item.town_id)
    reason = _clean_reason(reason)
    with transaction.atomic():
        _restore_item(item, moderator)
        return _decide(
            moderator,
            DecisionAction.RESTORE,
            item,
            reason,
            group=group,
            message=_("Votre contribution a été rétablie."),
        )


def do_edit(
    moderator: User,
    item: Item,
    body: str,
    reason: str,
    group: ReportGroup | None = None,
) -> Decision:
    """Rewrite an item's text; the original is kept for the audit and appeals."""
    check_moderator(moderator, item.town_id)
    reason = _clean_reason(reason)
    if not item.can_edit:
        raise ValidationError(_("Ce type d'élément ne se modifie pas ici."))
    original = item.obj.body
    with transaction.atomic():
        item.content_kind.edit(item.obj, moderator, body)
        if group is not None and group.state == CaseState.HIDDEN_PENDING:
            _restore_item(item, moderator)
        decision = _decide(
            moderator,
            DecisionAction.EDIT,
            item,
            reason,
            group=group,
            message=_("Votre contribution a été modifiée par la modération."),
        )
        OriginalContent.objects.create(
            decision=decision, kind=item.kind, object_id=item.object_id, body=original
        )
    return decision


def _member_of(item: Item) -> Member:
    if item.author is None:
        raise ValidationError(_("Cet élément n'a pas d'auteur connu."))
    return item.author


def do_warn(
    moderator: User, item: Item, reason: str, group: ReportGroup | None = None
) -> Decision:
    """Warn the author of an item (or the reported member)."""
    check_moderator(moderator, item.town_id)
    reason = _clean_reason(reason)
    member = _member_of(item)
    with transaction.atomic():
        return _decide(
            moderator,
            DecisionAction.WARN,
            item,
            reason,
            group=group,
            member=member,
            message=_("Vous avez reçu un avertissement de la modération."),
        )


def do_suspend(
    moderator: User,
    item: Item,
    days: int,
    reason: str,
    group: ReportGroup | None = None,
) -> Decision:
    """Suspend the author for some days: no posting, commenting, chatting, reacting."""
    check_moderator(moderator, item.town_id)
    reason = _clean_reason(reason)
    if not 1 <= int(days) <= 365:
        raise ValidationError({"days": _("Une suspension dure de 1 à 365 jours.")})
    member = _member_of(item)
    ends_at = timezone.now() + timedelta(days=int(days))
    with transaction.atomic():
        decision = _decide(
            moderator,
            DecisionAction.SUSPEND,
            item,
            reason,
            group=group,
            member=member,
            detail={"days": int(days), "ends_at": ends_at.isoformat()},
            message=_("Votre compte est suspendu jusqu'au %(date)s.")
            % {"date": formats.date_format(timezone.localtime(ends_at), "j F Y")},
        )
        Sanction.objects.create(
            member=member,
            kind=SanctionKind.SUSPENSION,
            decision=decision,
            ends_at=ends_at,
        )
    return decision


def do_ban(
    moderator: User, item: Item, reason: str, group: ReportGroup | None = None
) -> Decision:
    """Ban the author: they can no longer sign in nor take part."""
    check_moderator(moderator, item.town_id)
    reason = _clean_reason(reason)
    member = _member_of(item)
    # Whoever moderates somewhere (an exclusion closes the whole account).
    if roles.holds_anywhere(member.user, roles.Role.MODERATOR, roles.Role.TOWN_ADMIN):
        raise ValidationError(_("Un modérateur ne peut pas être exclu d'ici."))
    with transaction.atomic():
        decision = _decide(
            moderator,
            DecisionAction.BAN,
            item,
            reason,
            group=group,
            member=member,
            message=_("Votre compte est exclu de la plateforme."),
        )
        Sanction.objects.create(member=member, kind=SanctionKind.BAN, decision=decision)
        # An inactive user cannot sign in, and their open sessions and
        # websockets no longer authenticate (ModelBackend refuses them).
        User.objects.filter(pk=member.user_id).update(is_active=False)
    return decision


def check_appeal(member: Member, decision: Decision, text: str) -> Appeal:
    """The member concerned appeals a decision, once."""
    if decision.member_id != member.pk or decision.action not in APPEALABLE:
        raise PermissionDenied
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"text": _("Expliquez pourquoi vous contestez.")})
    try:
        with transaction.atomic():
            return Appeal.objects.create(
                decision=decision, member=member, text=text[:2000]
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Vous avez déjà fait un recours contre cette décision."),
            code="already_appealed",
        ) from error


def _undo(decision: Decision, moderator: User) -> None:
    item = items.load(decision.kind, decision.object_id)
    if decision.action == DecisionAction.HIDE and item is not None:
        _restore_item(item, moderator)
    elif decision.action == DecisionAction.EDIT and item is not None:
        original = decision.originals.first()
        if original is not None:
            item.content_kind.edit(item.obj, moderator, original.body)
    elif decision.action in (DecisionAction.SUSPEND, DecisionAction.BAN):
        Sanction.objects.filter(decision=decision, lifted_at__isnull=True).update(
            lifted_at=timezone.now()
        )
        if decision.action == DecisionAction.BAN and decision.member is not None:
            User.objects.filter(pk=decision.member.user_id).update(is_active=True)


def do_answer_appeal(
    moderator: User, appeal: Appeal, *, granted: bool, answer: str
) -> Decision:
    """Grant (the decision is undone) or reject an appeal; the member is told."""
    check_moderator(moderator, appeal.member.town_id)
    answer = _clean_reason(answer, field="answer")
    if appeal.state != AppealState.PENDING:
        raise ValidationError(_("Ce recours a déjà reçu une réponse."))
    original = appeal.decision
    with transaction.atomic():
        if granted:
            _undo(original, moderator)
        appeal.state = AppealState.GRANTED if granted else AppealState.REJECTED
        appeal.answer = answer
        appeal.answered_by = moderator
        appeal.answered_at = timezone.now()
        appeal.save(update_fields=["state", "answer", "answered_by", "answered_at"])
        decision = Decision.objects.create(
            moderator=moderator,
            action=(
                DecisionAction.APPEAL_GRANTED
                if granted
                else DecisionAction.APPEAL_REJECTED
            ),
            kind=original.kind,
            object_id=original.object_id,
            member=original.member,
            reason=answer,
            detail={"appeal": appeal.pk, "decision": original.pk},
        )
        message = (
            _("Votre recours a été accepté : la décision est annulée.")
            if granted
            else _("Votre recours a été rejeté.")
        )
        notify_decision(decision, f"{message} {answer}")
    return decision
