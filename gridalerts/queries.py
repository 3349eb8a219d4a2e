"""Reads of grid alerts that check who may see or do what."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from challenges.models import ChallengeIndexPage
from community import roles
from community.models import Member, TownPage
from gridalerts.models import (
    FlashLaunch,
    GridAlertOptIn,
    GridAlertSettings,
    GridSignalDay,
)

RECENT_DAYS = 14


def settings_for(town: TownPage) -> GridAlertSettings:
    """The town's settings, or the defaults (unsaved) before a moderator sets them."""
    found = GridAlertSettings.objects.filter(town=town).first()
    return found if found is not None else GridAlertSettings(town=town)


def challenge_index_of(town: TownPage) -> ChallengeIndexPage | None:
    return ChallengeIndexPage.objects.child_of(town).first()


def moderated_towns(user: User | AnonymousUser) -> QuerySet[TownPage]:
    """The towns whose grid alerts the user runs (moderators, town administrators)."""
    return roles.scope_to_towns(TownPage.objects.order_by("title"), user, field="pk")


def access_moderated_town(user: User | AnonymousUser, town_id: int) -> TownPage:
    """The town if the user moderates it; 404 for any other, as for a missing one."""
    town = moderated_towns(user).filter(pk=town_id).first()
    if town is None:
        raise Http404
    return town


def recent_signal_days(town: TownPage) -> QuerySet[GridSignalDay]:
    return GridSignalDay.objects.filter(town=town).order_by("-day")[:RECENT_DAYS]


def recent_launches(town: TownPage) -> QuerySet[FlashLaunch]:
    return (
        FlashLaunch.objects.filter(town=town)
        .select_related("challenge", "signal")
        .order_by("-day", "-pk")[:RECENT_DAYS]
    )


def is_opted_in(member: Member) -> bool:
    return GridAlertOptIn.objects.filter(member=member).exists()


def opted_in_user_ids(town: TownPage) -> list[int]:
    """The users to tell of the town's alerts, in a stable order."""
    return list(
        GridAlertOptIn.objects.filter(member__town=town)
        .order_by("member_id")
        .values_list("member__user_id", flat=True)
    )
