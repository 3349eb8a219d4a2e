"""Reads of tips that depend on who asks: lists, a tip's state for a member."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet

from community.domains import DomainsFirst
from community.models import Member, TownPage
from community.queries import member_of
from feeds.access import hidden_author_ids
from feeds.actions.discussions import tip_discussion
from feeds.actions.posts import home_stream
from feeds.models import ContentState
from feeds.queries import post_comments
from realtime.groups import town_stream
from realtime.queries import latest_event_id
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
    index: TipIndexPage,
    *,
    domain: str = "",
    sort: str = TipSort.USEFUL,
    prefs: DomainsFirst | None = None,
) -> QuerySet[TipPage]:
    """Live, public tips of an index, with their author and counters in one query;
    with no domain asked, the household's domains first (`prefs`), each group
    in the sort's order."""
    first = prefs.order_by("domain") if prefs is not None and not domain else []
    tips = (
        TipPage.objects.live()
        .public()
        .child_of(index)
        .select_related("author", "stats")
        .order_by(*first, *SORT_ORDERS[TipSort(sort)], "pk")
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


def tip_discussion_for(member: Member | None, can_act: bool, tip: TipPage) -> dict:
    """A tip's comments, for the members of its town only (as the feeds are).

    A bounded number of queries whatever the number of comments: the discussion
    post, its comments with their authors (one query, replies grouped in
    Python), the member's blocked and muted authors, the stream's last event.
    """
    if member is None or not can_act:
        return {"discussion": None, "comments": [], "can_comment": False}
    post = tip_discussion(tip.pk)
    if post is not None and post.state != ContentState.PUBLISHED:
        # Hidden by moderators (or deleted with its author's account): its
        # comments and the form go with it.
        return {
            "discussion": None,
            "comments": [],
            "can_comment": False,
            "discussion_closed": True,
        }
    # Before the first comment there is no post: the page listens to the town
    # stream, where the tip's comments will be published.
    stream = home_stream(post) if post is not None else town_stream(member.town_id)
    return {
        "discussion": post,
        "comments": post_comments(member, post) if post is not None else [],
        "can_comment": True,
        "viewer": member,
        "hidden_authors": hidden_author_ids(member),
        "live_stream": stream,
        "live_since": latest_event_id(stream),
    }


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
