"""Fixtures of the grid-alert tests: a town with its challenges, a catalogue
action of energy, signal files shifted to the days a test needs."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from challenges.actions import FlashSpec, HouseholdOutcome, do_record_flash_result
from challenges.models import ChallengeIndexPage, ChallengePage
from community import roles
from community.models import HouseholdStatus
from gridalerts.actions import check_start_flash
from scoring.models import ActionType

# The client's breaker closed around each test, as in the challenges tests.
from tests.challenges.conftest import (
    _closed_breaker,  # noqa: F401
    make_action_type,
    make_challenge_index,
)
from tests.factories import make_household, make_staff

DATA = Path(__file__).parent / "data"
# The red day of ecowatt_signal.json is its second day.
RED_DAY_INDEX = 1
ORANGE_DAY_INDEX = 2
RED_HOURS = [7, 8, 9, 10, 11, 12, 17, 18, 19, 20]


def signal_body(first_day: date, name: str = "ecowatt_signal.json") -> dict:
    """A data file's signal, its days moved to start on `first_day`."""
    body = json.loads((DATA / name).read_text())
    for number, item in enumerate(body["signals"]):
        item["jour"] = (
            f"{(first_day + timedelta(days=number)).isoformat()}T00:00:00+01:00"
        )
    return body


def write_signal(tmp_path: Path, body: dict, name: str = "signal.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body, ensure_ascii=False))
    return str(path)


@pytest.fixture
def challenge_index(town) -> ChallengeIndexPage:
    return make_challenge_index(town)


@pytest.fixture
def energy_action(db) -> ActionType:
    return make_action_type("energy")


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def moderator(town):
    return make_staff(town, roles.MODERATOR)


def move_to(challenge: ChallengePage, day: date) -> ChallengePage:
    """A day passes: the challenge (joined while it ran) now happened on `day`."""
    ChallengePage.objects.filter(pk=challenge.pk).update(start_date=day, end_date=day)
    return ChallengePage.objects.get(pk=challenge.pk)


def start_flash(moderator, town, day: date, hours: list[int], **changes):
    """A flash challenge started by the moderator, as the admin's form does."""
    spec = FlashSpec(
        title=changes.pop("title", "Alerte rouge"),
        day=day,
        hours=hours,
        goal="Moins de chauffage.",
        domain="energy",
        participation_points=changes.pop("participation_points", 20),
        points_per_kwh=changes.pop("points_per_kwh", 10),
        level=3,
        **changes,
    )
    return check_start_flash(moderator, town, spec)


def record_results(challenge: ChallengePage, neighbourhoods: dict) -> None:
    """Results of new active households, {neighbourhood: how many}: 1 kWh
    saved and 20 points each, as the scoring command records them."""
    for neighbourhood, count in neighbourhoods.items():
        for _ in range(count):
            household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
            do_record_flash_result(
                challenge,
                HouseholdOutcome(
                    household_id=household.pk,
                    neighbourhood_id=neighbourhood.pk,
                    measured=True,
                    baseline_kwh=Decimal("3"),
                    actual_kwh=Decimal("2"),
                    saved_kwh=Decimal("1"),
                    points=20,
                ),
            )
