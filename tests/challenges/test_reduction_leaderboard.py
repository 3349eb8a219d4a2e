"""Reduction goals on the challenge pages: ranked by mean change per household,
shown « −12,4 % », and kept fresh live with a remote (HTTP) scoring core."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from challenges import actions, queries
from challenges.models import GoalKind, TeamKind
from realtime.groups import leaderboard_stream
from realtime.models import Event
from scoring import client as scoring
from scoring.actions import ReadingRow, do_import_readings
from tests.challenges.conftest import (
    log,
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.factories import NeighbourhoodFactory, make_member
from tests.scoring.conftest import TOKEN, fast_smartcitizen

METRIC = "electricity_kwh"


def consumption(household, challenge, baseline: float, change_pct: float) -> None:
    """The challenge's days so far, and the same days 52 weeks before."""
    now = Decimal(str(round(baseline * (1 + change_pct / 100), 3)))
    rows = []
    day = challenge.start_date
    while day < timezone.localdate():
        rows.append(ReadingRow(household.pk, METRIC, day, now))
        rows.append(
            ReadingRow(
                household.pk, METRIC, day - timedelta(weeks=52), Decimal(baseline)
            )
        )
        day += timedelta(days=1)
    do_import_readings(rows)


def team(town, challenge, levels: list[tuple[float, float]]):
    neighbourhood = NeighbourhoodFactory(town=town)
    members = []
    for baseline, change in levels:
        member = make_member(town, neighbourhood=neighbourhood)
        actions.check_join(member, challenge)
        consumption(member.household, challenge, baseline, change)
        members.append(member)
    return neighbourhood, members


def reduction(challenge_index, action_type, **fields):
    return make_challenge(
        challenge_index,
        [action_type],
        goal_kind=GoalKind.REDUCTION,
        goal_value=10,
        goal_metric=METRIC,
        **fields,
    )


@pytest.mark.django_db
def test_neighbourhood_teams_of_a_reduction_goal_rank_fairly_across_sizes(
    client, town, challenge_index, action_type
):
    challenge = reduction(
        challenge_index, action_type, team_kind=TeamKind.NEIGHBOURHOOD
    )
    small, small_members = team(town, challenge, [(10, -10)] * 5)
    # One big consumer saving 40 % outweighs everything in total (-30 %), but
    # per household the team changed by -40/6 = -6.7 % on average.
    large, _ = team(town, challenge, [(100, -40)] + [(5, 0)] * 5)
    tiny, _ = team(town, challenge, [(10, -50)] * 3)

    board = scoring.get_leaderboard(challenge.pk)
    assert [(r["team"], r["rank"], r["change_pct"]) for r in board["standings"]] == [
        (small.name, 1, -10.0),
        (large.name, 2, -6.7),
        (tiny.name, 3, None),
    ]

    client.force_login(small_members[0].user)
    html = client.get(challenge.url + "classement/").content.decode()
    assert "\u221210,0\u00a0%" in html
    assert "\u22126,7\u00a0%" in html
    assert "moins de 5 foyers mesurés" in html
    assert html.index(small.name) < html.index(large.name) < html.index(tiny.name)


@pytest.mark.django_db
def test_households_alone_in_a_reduction_goal_see_their_own_change(
    client, town, challenge_index, action_type, member
):
    challenge = reduction(challenge_index, action_type)
    actions.check_join(member, challenge)
    consumption(member.household, challenge, 8, 5)  # went up by 5 %
    saver = make_member(town, neighbourhood=member.household.neighbourhood)
    actions.check_join(saver, challenge)
    consumption(saver.household, challenge, 40, -12.4)
    newcomer = make_member(town, neighbourhood=member.household.neighbourhood)
    actions.check_join(newcomer, challenge)  # no readings yet

    board = queries.leaderboard(challenge)
    assert board.by_change
    assert [row["team"] for row in board.standings] == [
        saver.household.public_id,
        member.household.public_id,
        newcomer.household.public_id,
    ]
    client.force_login(member.user)
    html = client.get(challenge.url + "classement/").content.decode()
    assert "\u221212,4\u00a0%" in html
    assert "+5,0\u00a0%" in html
    assert "Pas encore de relevés" in html


@pytest.mark.django_db
def test_an_action_goal_still_ranks_by_points_per_household(
    town, challenge_index, action_type
):
    challenge = make_challenge(
        challenge_index, [action_type], team_kind=TeamKind.NEIGHBOURHOOD
    )
    _, one = team(town, challenge, [])
    _, three = team(town, challenge, [])
    neighbourhood = NeighbourhoodFactory(town=town)
    pair = [make_member(town, neighbourhood=neighbourhood) for _ in range(2)]
    for member in pair:
        actions.check_join(member, challenge)
    log(pair[0], challenge, action_type)
    board = queries.leaderboard(challenge)
    assert not board.by_change
    assert board.standings[0]["team"] == neighbourhood.name
    assert board.standings[0]["points_per_household"] == action_type.points() / 2


# --- a remote scoring core (HTTP) ------------------------------------------------


@pytest.fixture
def remote_core(live_server):
    from django.core.cache import cache

    cache.clear()
    with override_settings(
        SCORING_CORE_URL=f"{live_server.url}/api/scoring/v1/",
        SCORING_CORE_TOKEN=TOKEN,
        SMARTCITIZEN=fast_smartcitizen(SCORING_CACHE_SECONDS=300),
    ):
        yield
    cache.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_leaderboard_is_fresh_with_a_cached_remote_core(client, remote_core):
    from tests.factories import make_town

    town = make_town("Distante")
    index = make_challenge_index(town)
    action_type = make_action_type()
    challenge = make_challenge(index, [action_type])
    actor = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
    actions.check_join(actor, challenge)
    assert not scoring.is_embedded()
    client.force_login(actor.user)
    url = challenge.url + "classement/"
    # The page view fills the client's cache (5 minutes here) with 0 points.
    assert client.get(url).context["board"].standings[0]["points"] == 0
    assert scoring.get_leaderboard(challenge.pk)["standings"][0]["points"] == 0

    log(actor, challenge, action_type)

    points = action_type.points()
    event = Event.objects.filter(stream=leaderboard_stream(challenge.pk)).latest("id")
    # The live event read the core again, past the cache...
    assert f'<td class="number">{points}</td>' in event.data["html"]
    # ...and the next page view sees the same figures, not the cached zero.
    board = client.get(url).context["board"]
    assert board.standings[0]["points"] == points


@pytest.mark.django_db
def test_a_team_below_the_goal_earns_goal_reached_when_readings_come_in(
    town, challenge_index, action_type, tmp_path
):
    from django.core.management import call_command
    from notifications.models import Notification

    from challenges.models import Badge, BadgeKind

    challenge = reduction(
        challenge_index, action_type, team_kind=TeamKind.NEIGHBOURHOOD
    )
    _, savers = team(town, challenge, [(10, -12)] * 5)  # -12 %: goal of 10 % met
    _, others = team(town, challenge, [(10, -5)] * 5)  # -5 %: not yet
    assert not Badge.objects.filter(kind=BadgeKind.GOAL_REACHED).exists()

    # The others save more; their readings arrive through the import command.
    csv = tmp_path / "releves.csv"
    lines = ["household_id,date,metric,value"]
    day = challenge.start_date
    while day < timezone.localdate():
        lines += [f"{m.household.public_id},{day},{METRIC},8.5" for m in others]
        day += timedelta(days=1)
    csv.write_text("\n".join(lines) + "\n")
    call_command("import_readings", str(csv))

    rewarded = set(
        Badge.objects.filter(
            challenge=challenge, kind=BadgeKind.GOAL_REACHED
        ).values_list("household_id", flat=True)
    )
    assert rewarded == {m.household_id for m in savers + others}
    assert Notification.objects.filter(
        recipient=savers[0].user, data__badge=BadgeKind.GOAL_REACHED
    ).exists()
    # Once only: a second pass gives nothing.
    assert actions.do_award_reduction_goals() == 0


@pytest.mark.django_db
def test_a_team_above_the_goal_earns_nothing(town, challenge_index, action_type):
    from challenges.models import Badge

    challenge = reduction(challenge_index, action_type, team_kind=TeamKind.HOUSEHOLD)
    team(town, challenge, [(10, -9.9), (10, 3)])

    assert actions.do_award_reduction_goals() == 0
    assert not Badge.objects.filter(challenge=challenge, kind="goal_reached").exists()
