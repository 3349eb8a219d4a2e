"""Scoring flash challenges the next day: Linky load curves (sent through the
scoring client) against four comparable days, declared actions otherwise;
results on the page with the rule of 5, in a bounded number of queries."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from challenges.actions import (
    check_join,
    check_log_action,
    do_mark_flash_scored,
)
from challenges.models import FlashResult, FlashWindow
from community.towns import page_path
from gridalerts.linky import Measure, flash_points, is_day_off, measure
from gridalerts.models import GridSignalDay
from scoring import client as scoring
from scoring.models import LedgerEntry
from tests.factories import NeighbourhoodFactory, make_member
from tests.gridalerts.conftest import move_to, record_results, start_flash

pytestmark = pytest.mark.django_db

HOURS = [18, 19]


def hour(day: date, at: int) -> str:
    return timezone.make_aware(datetime.combine(day, time(at))).isoformat()


def load_curve(alert_day: date, alert_excluded: date) -> list[dict]:
    """Hours 18 and 19 of the alert day and the 28 days before it.

    0.5 kWh an hour on the alert day; 1 on its last four comparable days;
    9 on an earlier alert day (excluded); 3 on older comparable days; 5 on
    days of the other kind (working day / weekend).
    """
    rows = []
    comparable = 0
    for back in range(29):
        day = alert_day - timedelta(days=back)
        if back == 0:
            value = "0.5"
        elif is_day_off(day) != is_day_off(alert_day):
            value = "5"
        elif day == alert_excluded:
            value = "9"
        else:
            comparable += 1
            value = "1" if comparable <= 4 else "3"
        rows += [{"starts_at": hour(day, at), "value": value} for at in HOURS]
    return rows


def first_comparable(alert_day: date) -> date:
    day = alert_day - timedelta(days=1)
    while is_day_off(day) != is_day_off(alert_day):
        day -= timedelta(days=1)
    return day


def score() -> str:
    out = StringIO()
    call_command("score_flash_challenges", stdout=out)
    return out.getvalue()


def test_measured_declared_and_idle_households(
    client, town, neighbourhood, moderator, challenge_index, energy_action, today
):
    linky, declared, idle = (
        make_member(town, neighbourhood=neighbourhood) for _ in range(3)
    )
    # Figures that are no multiple of 10: points follow the template exactly.
    challenge = start_flash(
        moderator, town, today, HOURS, participation_points=5, points_per_kwh=7
    )
    for member in (linky, declared, idle):
        check_join(member, challenge)
    alert_day = today - timedelta(days=2)
    challenge = move_to(challenge, alert_day)
    excluded = first_comparable(alert_day)
    GridSignalDay.objects.create(
        town=town, day=excluded, dvalue=3, hourly=[3] * 24, message=""
    )
    scoring.send_readings(
        linky.household,
        source="enedis_load_curve",
        daily=[],
        hourly=load_curve(alert_day, excluded),
        idempotency_key="courbe-1",
    )
    check_log_action(
        declared,
        challenge,
        action_type=energy_action,
        occurred_at=timezone.make_aware(datetime.combine(alert_day, time(18, 30))),
        idempotency_key="geste-1",
    )
    before = {
        m.pk: scoring.get_points(m.household)["total"] for m in (linky, declared, idle)
    }

    assert "3 foyers notés (terminé)" in score()

    results = {r.household_id: r for r in FlashResult.objects.all()}
    measured = results[linky.household_id]
    assert measured.measured
    # Baseline: the four last comparable days (1 kWh × 2 hours), not the alert
    # day before them (9), not older days (3), not the other kind of day (5).
    assert measured.baseline_kwh == Decimal("2.000")
    assert measured.actual_kwh == Decimal("1.000")
    assert measured.saved_kwh == Decimal("1.000")
    # 5 for taking part + 1 kWh × 7.
    assert measured.points == 12
    assert not results[declared.household_id].measured
    assert results[declared.household_id].points == 5
    assert results[idle.household_id].points == 0
    after = {
        m.pk: scoring.get_points(m.household)["total"] for m in (linky, declared, idle)
    }
    assert after[linky.pk] - before[linky.pk] == 12
    assert after[declared.pk] - before[declared.pk] == 5
    assert after[idle.pk] == before[idle.pk]
    # One ledger entry per household, one key: 12 units of the 1-point action.
    flash = LedgerEntry.objects.filter(idempotency_key__startswith="flash-")
    assert sorted(
        flash.values_list("household_id", "idempotency_key", "quantity", "points")
    ) == sorted(
        [
            (linky.household_id, f"flash-{challenge.pk}", 12, 12),
            (declared.household_id, f"flash-{challenge.pk}", 5, 5),
        ]
    )
    assert {entry.action_type.code for entry in flash} == {"defi-flash-energy"}

    # Each member of a scored household is told the results are in, once.
    told = Notification.objects.filter(verb="challenge")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        m.user_id for m in (linky, declared, idle)
    )
    assert {(n.data["url"], n.data["title"]) for n in told} == {
        (page_path(challenge), "Résultats du défi flash")
    }

    # Again: nothing changes (the challenge is done; its keys award once).
    assert score() == ""
    assert FlashResult.objects.count() == 3
    assert told.count() == 3
    assert {
        m.pk: scoring.get_points(m.household)["total"] for m in (linky, declared, idle)
    } == after

    client.force_login(linky.user)
    page = client.get(challenge.url).content.decode()
    assert "mesuré par votre compteur Linky" in page
    assert "Votre foyer a économisé 1,0 kWh : 12 points." in page
    assert "3 foyers ont participé ; 1,0 kWh économisés au total." in page
    client.force_login(declared.user)
    assert "points des actions déclarées" in client.get(challenge.url).content.decode()
    centre = client.get(reverse("feeds:notifications")).content.decode()
    assert "— défi :" in centre and "les résultats de votre foyer" in centre


def test_a_baseline_needs_four_comparable_days():
    day = date(2026, 12, 8)  # a Tuesday
    readings = {day: {18: Decimal("1")}}
    for back in (1, 2, 3, 6, 7):  # Mon, Sun, Sat, Wed, Tue: 3 working days
        readings[day - timedelta(days=back)] = {18: Decimal("2")}
    assert measure(readings, day, [18], set()) is None
    readings[day - timedelta(days=8)] = {18: Decimal("4")}
    found = measure(readings, day, [18], set())
    assert found.baseline_kwh == Decimal("2.500")
    assert found.saved_kwh == Decimal("1.500")
    # An excluded day is skipped; a missing hour makes a day unusable.
    assert measure(readings, day, [18], {day - timedelta(days=1)}) is None
    assert measure(readings, day, [18, 19], set()) is None


def test_a_public_holiday_is_not_a_comparable_working_day():
    """Thursday 12 November 2026: its last four working days skip Wednesday
    11 November (a public holiday, used like a Sunday); a holiday alert day
    compares with the days off before it."""
    day = date(2026, 11, 12)
    readings = {day: {18: Decimal("1")}}
    for back in range(1, 8):
        earlier = day - timedelta(days=back)
        readings[earlier] = {18: Decimal("9" if is_day_off(earlier) else "2")}
    assert is_day_off(date(2026, 11, 11)) and not is_day_off(day)
    found = measure(readings, day, [18], set())
    assert found.baseline_kwh == Decimal("2.000")
    assert is_day_off(date(2026, 5, 14))  # Ascension (Easter + 39)
    assert is_day_off(date(2026, 4, 6)) and not is_day_off(date(2026, 4, 7))
    holiday = date(2026, 11, 11)
    off = {holiday: {18: Decimal("1")}}
    for back in (3, 4, 10, 11):  # the two weekends before
        off[holiday - timedelta(days=back)] = {18: Decimal("3")}
    for back in (1, 2, 5):  # working days
        off[holiday - timedelta(days=back)] = {18: Decimal("8")}
    assert measure(off, holiday, [18], set()).baseline_kwh == Decimal("3.000")


def test_results_show_neighbourhoods_of_five_households_only(
    client, town, member, moderator, challenge_index, today
):
    challenge = move_to(
        start_flash(moderator, town, today, HOURS), today - timedelta(days=1)
    )
    big = NeighbourhoodFactory(town=town, name="Les Tilleuls")
    small = NeighbourhoodFactory(town=town, name="Le Moulin")
    record_results(challenge, {big: 5, small: 2})
    do_mark_flash_scored(challenge)
    client.force_login(member.user)
    client.get(challenge.url)  # the site's caches warm up

    with CaptureQueriesContext(connection) as few:
        page = client.get(challenge.url).content.decode()

    assert "7 foyers ont participé ; 7,0 kWh économisés au total." in page
    assert "Les Tilleuls" in page and "Le Moulin" not in page
    assert "moins de 5 foyers participants ne sont pas détaillés" in page
    # More results, more neighbourhoods: the same number of queries.
    record_results(challenge, {big: 3, NeighbourhoodFactory(town=town): 6})
    with CaptureQueriesContext(connection) as many:
        page = client.get(challenge.url).content.decode()
    assert "16 foyers ont participé" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_flash_points_round_to_the_point_and_fit_one_entry():
    window = FlashWindow(participation_points=20, points_per_kwh=12)
    saved = Measure(Decimal("1.125"), Decimal("1.000"))  # 0.125 kWh × 12 = 1.5
    assert flash_points(window, True, saved) == 22
    assert flash_points(window, False, saved) == 2
    assert flash_points(window, True, None) == 20
    assert flash_points(window, False, None) == 0
    huge = Measure(Decimal("999"), Decimal("0"))
    window.points_per_kwh = 1000
    assert flash_points(window, True, huge) == scoring.MAX_ACTION_QUANTITY


def test_the_page_asks_the_core_for_the_load_curve_once_a_day(
    client, town, member, moderator, challenge_index, today, monkeypatch
):
    challenge = start_flash(moderator, town, today, HOURS)
    calls = []
    real = scoring.get_readings

    def counted(household, **span):
        calls.append(household.pk)
        return real(household, **span)

    monkeypatch.setattr(scoring, "get_readings", counted)
    client.force_login(member.user)
    for _ in range(3):
        page = client.get(challenge.url).content.decode()
        assert "points des actions déclarées" in page
    assert calls == [member.household_id]


def test_a_run_past_the_cores_delay_records_the_results_without_points(
    town, neighbourhood, moderator, challenge_index, energy_action, today, settings
):
    """The core takes actions up to ACTION_MAX_DELAY_DAYS old: a late run
    still ends (results kept, no points), it does not stop on the refusal."""
    declared = make_member(town, neighbourhood=neighbourhood)
    challenge = start_flash(moderator, town, today, HOURS, participation_points=5)
    check_join(declared, challenge)
    # The alert was yesterday: its 18:30 is past whatever the hour of the run.
    day = today - timedelta(days=1)
    challenge = move_to(challenge, day)
    check_log_action(
        declared,
        challenge,
        action_type=energy_action,
        occurred_at=timezone.make_aware(datetime.combine(day, time(18, 30))),
        idempotency_key="geste-tard",
    )
    challenge = move_to(challenge, today - timedelta(days=3))
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "ACTION_MAX_DELAY_DAYS": 1}

    assert "1 foyers notés (terminé)" in score()

    result = FlashResult.objects.get()
    assert (result.household_id, result.points) == (declared.household_id, 0)
    assert not LedgerEntry.objects.filter(idempotency_key__startswith="flash-")
