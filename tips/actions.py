"""Every write to the tips tables goes through here."""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from notifications.signals import notify
from wagtail.coreutils import find_available_slug
from wagtail.models import WorkflowState

from common.archive import Erasure
from common.proposals import check_open_workflow, do_submit_draft
from common.ratelimit import check_rate
from community.models import Member
from feeds.actions import check_add_comment
from feeds.actions.discussions import do_open_tip_discussion
from feeds.actions.posts import clean_client_key, clean_text
from feeds.models import Comment
from feeds.models.posts import COMMENT_MAX_LENGTH
from scoring import client as scoring
from tips.models import TipDone, TipIndexPage, TipPage, TipStats, TipVote
from tips.queries import can_act_on, town_of_tip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DoneResult:
    created: bool
    done_count: int
    points_awarded: int | None
    scoring_message: str = ""


def check_propose_tip(
    member: Member,
    index: TipIndexPage,
    *,
    title: str,
    summary: str,
    domain: str,
    difficulty: str,
    steps: list[str],
    savings_eur: int | None = None,
    start_cost_eur: int = 0,
) -> TipPage:
    """Create a resident's tip as a draft and submit it to the moderation workflow."""
    if member.town_id != index.get_parent().pk:
        raise PermissionDenied
    workflow = check_open_workflow(index)
    check_rate(
        member,
        "tip_proposal",
        _(
            "Vous avez proposé plusieurs astuces aujourd'hui et les modérateurs "
            "les relisent : réessayez dans %(minutes)d min au plus. Votre texte "
            "est conservé ci-dessous."
        ),
    )
    body = [("steps", [step for step in steps if step])] if steps else []
    tip = TipPage(
        title=title.strip(),
        slug=find_available_slug(index, slugify(title)[:200] or "astuce"),
        summary=summary.strip(),
        domain=domain,
        difficulty=difficulty,
        savings_eur=savings_eur,
        start_cost_eur=start_cost_eur or 0,
        body=body,
        author=member,
        live=False,
        owner=member.user,
    )
    do_submit_draft(member, index, tip, workflow)
    return tip


def check_mark_done(member: Member, tip: TipPage) -> DoneResult:
    """Record that the member's household did a tip, and log its catalogue action.

    One row per household (a unique constraint; a second click changes nothing).
    Points go through the scoring client after commit of our row, with an
    idempotency key per household and tip, so a retry never awards twice.
    """
    if not can_act_on(member, tip) or member.household is None:
        raise PermissionDenied
    household = member.household
    with transaction.atomic():
        stats, _created = TipStats.objects.select_for_update().get_or_create(tip=tip)
        try:
            with transaction.atomic():
                done = TipDone.objects.create(
                    tip=tip, household=household, member=member
                )
        except IntegrityError:
            return DoneResult(False, stats.done_count, None)
        TipStats.objects.filter(pk=stats.pk).update(done_count=F("done_count") + 1)
        stats.refresh_from_db(fields=["done_count"])

    points, message = None, ""
    if tip.action_code:
        try:
            answer = scoring.log_action(
                household,
                action=tip.action_code,
                domain=tip.domain,
                occurred_at=done.created_at,
                idempotency_key=f"tip-{tip.pk}-household-{household.pk}",
            )
        except scoring.ScoringUnavailable as error:
            message = str(error.message)
        except scoring.ScoringError as error:
            logger.warning(
                "tip %s: action %s refused: %s", tip.pk, tip.action_code, error
            )
            message = _("Les points de ce geste n'ont pas pu être comptés.")
        else:
            points = int(answer.get("points_awarded") or 0)
            done.points_awarded = points
            done.save(update_fields=["points_awarded"])
    return DoneResult(True, stats.done_count, points, message)


def do_toggle_useful_vote(member: Member, tip: TipPage) -> tuple[bool, int]:
    """Add the member's "utile" vote, or take it back; answer (voted, count)."""
    if not can_act_on(member, tip):
        raise PermissionDenied
    with transaction.atomic():
        stats, _created = TipStats.objects.select_for_update().get_or_create(tip=tip)
        removed, _detail = TipVote.objects.filter(tip=tip, member=member).delete()
        if removed:
            change = -removed
        else:
            TipVote.objects.create(tip=tip, member=member)
            change = 1
        TipStats.objects.filter(pk=stats.pk).update(
            useful_count=F("useful_count") + change
        )
        stats.refresh_from_db(fields=["useful_count"])
    return not removed, stats.useful_count


def do_notify_author_of_review(
    workflow_state: WorkflowState, moderator: User | None, approved: bool
) -> None:
    """Tell a tip's author that moderators published it, or sent it back with why."""
    tip = workflow_state.content_object
    if not isinstance(tip, TipPage):
        tip = getattr(tip, "specific", tip)
    if not isinstance(tip, TipPage) or tip.author is None:
        return
    task_state = workflow_state.current_task_state
    comment = (task_state.specific.comment if task_state else "") or ""
    if approved:
        verb = "tip_approved"
        description = _("Votre astuce « %(title)s » est publiée. Merci !") % {
            "title": tip.title
        }
    else:
        verb = "tip_rejected"
        description = _(
            "Votre astuce « %(title)s » n'a pas été publiée. Commentaire : %(comment)s"
        ) % {"title": tip.title, "comment": comment or _("aucun")}
    # `url`, `excerpt` and `actor_name` are what the feeds' notification centre
    # shows; a rejected tip is not live, so its link goes to the tip list.
    page = tip if approved else tip.get_parent()
    notify.send(
        moderator or tip.author.user,
        recipient=tip.author.user,
        verb=verb,
        target=tip,
        description=description,
        comment=comment,
        reviewed_at=timezone.now().isoformat(),
        kind=verb,
        url=page.get_url() or "",
        excerpt=description,
        actor_name=_("L'équipe de modération"),
    )


def check_comment_tip(
    member: Member,
    tip: TipPage,
    *,
    body: str,
    client_key: str,
    parent_id: int | None = None,
) -> Comment:
    """Comment a live tip of the member's town (or reply), through the feeds.

    The first comment opens the tip's discussion post; both commit together, so
    a refused comment (empty, rate-limited, blocked) leaves no empty discussion.
    The feeds action publishes the comment on the town stream and notifies the
    post's author, i.e. the resident credited on the tip.
    """
    if not can_act_on(member, tip):
        raise PermissionDenied
    clean_client_key(client_key)
    clean_text(body, COMMENT_MAX_LENGTH)
    town = town_of_tip(tip)
    if town is None:
        raise PermissionDenied
    with transaction.atomic():
        post = do_open_tip_discussion(
            tip.pk, tip.title, town.pk, tip.author, opener=member, domain=tip.domain
        )
        return check_add_comment(
            member, post, body=body, client_key=client_key, parent_id=parent_id
        )


def do_erase_member_tips(erasure: Erasure) -> None:
    """An account's erasure (mydata, through common.kinds): the tips the member
    proposed.

    « Supprimer mes contenus »: a tip not live (a draft, a proposal in review,
    one moderators sent back or hid) is the member's own text and goes, page,
    revisions and workflow; a live tip is town content moderators reviewed and
    may have edited: it stays, credited to no one (the credit « Proposée par »
    is drawn from `author`, no name is stored in its text).
    « Garder mes contenus »: every tip stays, credited to « ancien membre ».
    The revisions follow, so that publishing one later brings no author back.
    """
    tips = TipPage.objects.filter(author=erasure.member)
    if erasure.remove:
        for tip in tips.filter(live=False):
            tip.delete()
        kept, author = list(tips.filter(live=True)), None
    else:
        kept, author = list(tips), erasure.former
    TipPage.objects.filter(pk__in=[tip.pk for tip in kept]).update(author=author)
    for tip in kept:
        for revision in tip.revisions.all():
            if "author" in revision.content:
                revision.content["author"] = author.pk if author else None
                revision.save(update_fields=["content"])
