"""Reads of tips that depend on who asks: lists, a tip's state for a member."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet

from community.models import Member, TownPage
from community.queries import member_of
from tips.models import TipDone, TipIndexPage, TipPage, TipSort, TipVote

SORT_ORDERS = {
    TipSort.USEFUL: [
        F("stats__useful_count").desc(nulls_last=True),
        "-first_published_at",
    ],
    TipSort.DONE: [
        F("stats__done_count").desc(nulls_last=True),
        "-first_published_at",
    ],
    TipSort.NEWEST: ["-first_published_at", "-pk"],
}


def tip_index_for_town(town: TownPage) -> TipIndexPage | None:
    """The live tip index of a town, if it has one."""
    return TipIndexPage.objects.live().child_of(town).first()


def published_tips(
    index: TipIndexPage, *, domain: str = "", sort: str = TipSort.USEFUL
) -> QuerySet[TipPage]:
    """Live, public tips of an index, with their author and counters in one query."""
    tips = (
        TipPage.objects.live()
        .public()
        .child_of(index)
        .select_related("author", "stats")
        .order_by(*SORT_ORDERS[TipSort(sort)], "pk")
    )
    if domain:
        tips = tips.filter(domain=domain)
    return tips


def done_by_household(user: User | AnonymousUser, tips) -> set[int]:
    """Ids among `tips` that the user's household has done (one query)."""
    member = member_of(user)
    if member is None or member.household_id is None:
        return set()
    ids = [tip.pk for tip in tips]
    return set(
        TipDone.objects.filter(
            household_id=member.household_id, tip_id__in=ids
        ).values_list("tip_id", flat=True)
    )


def tip_state_for(user: User | AnonymousUser, tip: TipPage) -> dict:
    """What a tip page shows about its counters and this member's choices."""
    member = member_of(user)
    stats = getattr(tip, "stats", None) if tip.pk else None
    state = {
        "done_count": stats.done_count if stats else 0,
        "useful_count": stats.useful_count if stats else 0,
        "current_member": member,
        "household_did_it": False,
        "member_voted": False,
        "can_act": can_act_on(member, tip),
    }
    if member is not None:
        if member.household_id is not None:
            state["household_did_it"] = TipDone.objects.filter(
                tip=tip, household_id=member.household_id
            ).exists()
        state["member_voted"] = TipVote.objects.filter(tip=tip, member=member).exists()
    return state


def town_of_tip(tip: TipPage) -> TownPage | None:
    return TownPage.objects.ancestor_of(tip).first()


def can_act_on(member: Member | None, tip: TipPage) -> bool:
    """Members act on live tips of their own town only."""
    if member is None or not tip.live:
        return False
    path = tip.path
    return TownPage.objects.filter(
        pk=member.town_id, path=path[: len(path) - TipPage.steplen * 2]
    ).exists()
