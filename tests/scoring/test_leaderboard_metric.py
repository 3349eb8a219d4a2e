"""Reduction goals: teams ranked by the mean per household of each one's change in %.

Each household is compared with its own baseline, so a big consumer's large
absolute saving does not outweigh a small consumer's larger relative one, and a
team's size does not matter. Neighbourhood teams need 5 contributing households
for a figure (the contract's rule for neighbourhood aggregates).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring import client
from scoring.actions import ReadingRow, do_import_readings
from scoring.engine import leaderboards
from scoring.engine.leaderboards import (
    LeaderboardSpec,
    register_leaderboard_source,
    unregister_leaderboard_source,
)

pytestmark = pytest.mark.django_db
METRIC = "electricity_kwh"
START = date(2026, 3, 2)
END = date(2026, 3, 15)  # 14 days
PREVIOUS_START = START - timedelta(weeks=52)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def consumption(household, baseline: float, change_pct: float, metric=METRIC) -> None:
    """14 days at `baseline` a year before (52 weeks), then at the changed level."""
    now = Decimal(str(round(baseline * (1 + change_pct / 100), 3)))
    before = Decimal(str(baseline))
    rows = []
    for n in range(14):
        rows.append(
            ReadingRow(household.pk, metric, PREVIOUS_START + timedelta(n), before)
        )
        rows.append(ReadingRow(household.pk, metric, START + timedelta(n), now))
    do_import_readings(rows)


def spec(teams: dict, team_kind: str = "neighbourhood", **extra) -> LeaderboardSpec:
    return LeaderboardSpec(
        teams={name: [h.pk for h in members] for name, members in teams.items()},
        team_kind=team_kind,
        since=_aware(START),
        until=_aware(END + timedelta(days=1)),
        metric=METRIC,
        **extra,
    )


def board_of(the_spec: LeaderboardSpec, challenge_id: int = 9001) -> dict:
    def source(wanted: int):
        return the_spec if wanted == challenge_id else None

    register_leaderboard_source(source)
    try:
        return client.get_leaderboard(challenge_id)
    finally:
        unregister_leaderboard_source(source)


def test_neighbourhood_teams_rank_by_mean_change_per_household_not_by_size(
    make_household,
):
    # Small team: 5 households of 10 kWh a day, each 10 % lower.
    small = [make_household() for _ in range(5)]
    for household in small:
        consumption(household, 10, -10)
    # Large team: 2 big consumers 30 % lower and 10 small ones unchanged. Its
    # total falls by (2×100×30 %) / (2×100 + 10×5) = 24 %, more than the small
    # team's 10 %; but per household, its mean change is only -5 %.
    large = [make_household() for _ in range(12)]
    for household in large[:2]:
        consumption(household, 100, -30)
    for household in large[2:]:
        consumption(household, 5, 0)

    board = board_of(spec({"Petit": small, "Grand": large}))

    assert board["ranked_by"] == "change_pct"
    assert board["metric"] == METRIC
    assert board["min_households"] == 5
    rows = [
        (r["rank"], r["team"], r["households"], r["contributing_households"])
        for r in board["standings"]
    ]
    assert rows == [(1, "Petit", 5, 5), (2, "Grand", 12, 12)]
    assert board["standings"][0]["change_pct"] == -10.0
    assert board["standings"][1]["change_pct"] == -5.0
    # The v1 fields are still there for clients that read points only.
    assert board["standings"][0]["points"] == 0
    assert "points_per_household" in board["standings"][1]


def test_a_neighbourhood_team_under_five_contributing_households_has_no_figure(
    make_household,
):
    five = [make_household() for _ in range(5)]
    for household in five:
        consumption(household, 10, 5)  # consumption went UP
    four = [make_household() for _ in range(6)]
    for household in four[:4]:
        consumption(household, 10, -50)  # great, but only 4 measured
    # Two households without readings: counted as members, not as contributing.

    board = board_of(spec({"Cinq": five, "Quatre": four}))

    first, second = board["standings"]
    assert (first["team"], first["rank"], first["change_pct"]) == ("Cinq", 1, 5.0)
    assert second["team"] == "Quatre"
    assert second["change_pct"] is None
    assert second["rank"] == 2  # after the last ranked team
    assert (second["households"], second["contributing_households"]) == (6, 4)


def test_households_alone_rank_by_their_own_change_whatever_their_size(
    make_household,
):
    big = make_household()
    consumption(big, 200, -10)  # saves 20 kWh a day
    small = make_household()
    consumption(small, 4, -25)  # saves 1 kWh a day, a larger share
    worse = make_household()
    consumption(worse, 8, 12.5)
    unmeasured = make_household()

    teams = {h.public_id: [h] for h in (big, small, worse, unmeasured)}
    board = board_of(spec(teams, team_kind="household"))

    assert board["min_households"] == 1
    assert [(r["team"], r["rank"], r["change_pct"]) for r in board["standings"]] == [
        (small.public_id, 1, -25.0),
        (big.public_id, 2, -10.0),
        (worse.public_id, 3, 12.5),
        (unmeasured.public_id, 4, None),
    ]


def test_only_the_metric_and_the_challenge_days_count(make_household):
    household = make_household()
    consumption(household, 10, -20)
    # Gas went up a lot: not this challenge's metric.
    consumption(household, 30, 50, metric="gas_kwh")
    # Readings after the challenge, much higher: outside its days.
    do_import_readings(
        ReadingRow(household.pk, METRIC, END + timedelta(days=n), Decimal("99"))
        for n in range(1, 8)
    )
    board = board_of(spec({household.public_id: [household]}, team_kind="household"))
    assert board["standings"][0]["change_pct"] == -20.0


def test_equal_changes_share_a_rank(make_household):
    a, b, c = make_household(), make_household(), make_household()
    consumption(a, 10, -10)
    consumption(b, 20, -10)
    consumption(c, 10, -5)
    board = board_of(spec({h.public_id: [h] for h in (a, b, c)}, team_kind="household"))
    assert [r["rank"] for r in board["standings"]] == [1, 1, 3]


def test_a_points_leaderboard_says_how_it_ranks(make_household, catalogue):
    household = make_household()
    board = board_of(LeaderboardSpec(teams={household.public_id: [household.pk]}), 9002)
    assert board["ranked_by"] == "points_per_household"
    assert "change_pct" not in board["standings"][0]


def test_the_period_is_the_local_days_of_since_until():
    period = leaderboards.spec_period(spec({}))
    assert (period.start, period.end) == (START, END)
    assert period.previous_year().start == PREVIOUS_START
