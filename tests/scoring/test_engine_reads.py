"""Engine reads: rankings, bounded queries, a cache that is down."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring import client
from scoring.actions import ReadingRow, check_redeem, do_import_readings, do_log_action
from scoring.engine.points import rank_teams

pytestmark = pytest.mark.django_db


def award(household, action, key, occurred_at=None, proof="declared"):
    return do_log_action(
        household,
        action,
        domain=action.domain,
        occurred_at=occurred_at or timezone.now() - timedelta(hours=1),
        proof=proof,
        idempotency_key=key,
    )


def test_rankings_are_per_household_so_team_size_does_not_win(
    make_household, catalogue
):
    shower, bike = catalogue["douche-courte"], catalogue["velo-travail"]
    crowd = [make_household() for _ in range(6)]
    pair = [make_household() for _ in range(2)]
    for index, household in enumerate(crowd):
        award(household, shower, f"c{index}")  # 6 × 10 = 60, 10 per household
    award(pair[0], bike, "p0")  # 40 + 0 = 40, 20 per household
    standings = rank_teams(
        {"Foule": [h.pk for h in crowd], "Duo": [h.pk for h in pair]}
    )
    assert [(s.rank, s.team, s.points, s.households) for s in standings] == [
        (1, "Duo", 40, 2),
        (2, "Foule", 60, 6),
    ]
    assert [s.points_per_household for s in standings] == [20.0, 10.0]


def test_ties_share_a_rank_and_redemptions_do_not_lower_it(make_household, catalogue):
    bike = catalogue["velo-travail"]
    one, two, three = make_household(), make_household(), make_household()
    award(one, bike, "a")
    award(two, bike, "b")
    check_redeem(two, reward_id="pain", points=40, idempotency_key="spend")
    standings = rank_teams({"un": [one.pk], "deux": [two.pk], "trois": [three.pk]})
    assert [(s.rank, s.team) for s in standings] == [
        (1, "deux"),
        (1, "un"),
        (3, "trois"),
    ]


def test_rankings_count_only_the_window_and_the_chosen_actions(
    make_household, catalogue
):
    household = make_household()
    now = timezone.now()
    award(household, catalogue["velo-travail"], "old", now - timedelta(days=5))
    award(household, catalogue["velo-travail"], "new", now - timedelta(hours=2))
    award(household, catalogue["douche-courte"], "other", now - timedelta(hours=2))
    standings = rank_teams(
        {"seul": [household.pk]},
        since=now - timedelta(days=1),
        action_codes=["velo-travail"],
    )
    assert standings[0].points == 40


def test_a_neighbourhood_summary_runs_a_fixed_number_of_queries(
    make_household, neighbourhood, django_assert_max_num_queries
):
    households = [make_household() for _ in range(12)]
    do_import_readings(
        ReadingRow(h.pk, metric, date(2026, 3, 1) + timedelta(days=n), Decimal(5))
        for h in households
        for metric in ("electricity_kwh", "water_l")
        for n in range(60)
    )
    with django_assert_max_num_queries(6):
        summary = client.get_neighbourhood_summary(
            neighbourhood, "month", date(2026, 4, 1)
        )
    assert summary["metrics"]["water_l"]["households"] == 12
    with django_assert_max_num_queries(5):
        client.get_sensor_summary(households[0], "year", date(2026, 4, 1))
