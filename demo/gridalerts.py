"""The demo town's past red day: its Ecowatt signal, its flash challenge, results.

Small and deterministic: one red day three days ago, 60 participating
households (the first generated ones of each neighbourhood, by id), their
results drawn from a seeded generator. Results only: the points they show
are not sent to the ledger (the demo's balances come from demo.life).
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from challenges.actions import (
    FlashSpec,
    HouseholdOutcome,
    do_create_flash_challenge,
    do_mark_flash_scored,
)
from challenges.models import FlashLevel, FlashResult, Participation
from community.models import Household, HouseholdStatus, TownPage
from gridalerts.models import FlashLaunch, GridAlertSettings, GridSignalDay
from gridalerts.queries import challenge_index_of

SEED = 17
DAYS_AGO = 3
PER_NEIGHBOURHOOD = 10
# 8:00-13:00 and 18:00-20:00 red or orange, as RTE's red days of January 2026.
HOURLY = [1] * 7 + [2, 3, 3, 3, 3, 2] + [1] * 4 + [2, 3, 3] + [1] * 4
MESSAGE = "Système électrique très tendu. Coupures possibles si nous ne baissons pas."


def seed_demo_grid_alert(town: TownPage, now) -> None:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    day = timezone.localtime(now).date() - timedelta(days=DAYS_AGO)
    config = GridAlertSettings.objects.create(town=town)
    signal = GridSignalDay.objects.create(
        town=town, day=day, dvalue=3, message=MESSAGE, hourly=HOURLY, source="demo"
    )
    index = challenge_index_of(town)
    if index is None:
        return
    challenge = do_create_flash_challenge(
        index,
        FlashSpec(
            title=f"Alerte rouge du {day:%d/%m} : réduisons notre consommation",
            day=day,
            hours=config.hours_for(HOURLY),
            goal=config.goal,
            domain=config.domain,
            participation_points=config.participation_points,
            points_per_kwh=config.points_per_kwh,
            level=FlashLevel.RED,
            reason=MESSAGE,
        ),
    )
    FlashLaunch.objects.create(town=town, day=day, challenge=challenge, signal=signal)
    chosen = []
    for neighbourhood_id in (
        Household.objects.filter(neighbourhood__town=town)
        .values_list("neighbourhood_id", flat=True)
        .distinct()
        .order_by("neighbourhood_id")
    ):
        chosen += list(
            Household.objects.filter(
                neighbourhood_id=neighbourhood_id, status=HouseholdStatus.ACTIVE
            ).order_by("pk")[:PER_NEIGHBOURHOOD]
        )
    Participation.objects.bulk_create(
        Participation(challenge=challenge, household=household) for household in chosen
    )
    outcomes = [_outcome(rng, household, config) for household in chosen]
    FlashResult.objects.bulk_create(
        FlashResult(challenge=challenge, **outcome.__dict__) for outcome in outcomes
    )
    do_mark_flash_scored(challenge)


def _outcome(rng: random.Random, household: Household, config) -> HouseholdOutcome:
    if rng.random() < 0.5:
        return HouseholdOutcome(
            household_id=household.pk,
            neighbourhood_id=household.neighbourhood_id,
            measured=False,
            baseline_kwh=None,
            actual_kwh=None,
            saved_kwh=Decimal(0),
            points=config.participation_points,
        )
    baseline = Decimal(rng.randint(2500, 6000)) / 1000
    actual = baseline * Decimal(rng.randint(60, 105)) / 100
    saved = max(Decimal(0), baseline - actual).quantize(Decimal("0.001"))
    return HouseholdOutcome(
        household_id=household.pk,
        neighbourhood_id=household.neighbourhood_id,
        measured=True,
        baseline_kwh=baseline.quantize(Decimal("0.001")),
        actual_kwh=actual.quantize(Decimal("0.001")),
        saved_kwh=saved,
        points=int(
            config.participation_points + round(saved * config.points_per_kwh, -1)
        ),
    )
