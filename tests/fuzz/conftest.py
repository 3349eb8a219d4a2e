"""Fixtures and Hypothesis settings of the fuzz suite (docs/security.md).

Under CI (`CI=true`) every run draws the same examples (`derandomize`) and keeps
no example database, so a red run is reproduced by running it again.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.security.conftest import (
    World,
    build_world,
    generous_rates,  # noqa: F401  (a fixture)
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def fuzz_settings(max_examples: int) -> settings:
    """Hypothesis settings for one fuzz test: no deadline (a page may be slow on
    shared cores; this suite hunts for errors, not for speed)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=IN_CI,
        database=None if IN_CI else settings.default.database,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


@pytest.fixture
def world(db, generous_rates) -> World:  # noqa: F811
    return build_world()


def known_values(world: World) -> dict[str, list[str]]:
    """Valid values for each converter name, from the test's own data."""
    ints = {
        "post_id": [world.post.pk],
        "comment_id": [world.comment.pk],
        "member_id": [world.resident.pk, world.other.pk],
        "room_id": [world.room.pk, world.dm.pk],
        "reward_id": [world.reward.pk],
        "visit_id": [world.visit_id],
        "neighbourhood_id": [world.neighbourhood.pk],
        "challenge_id": [world.challenge.pk],
        "object_id": [world.post.pk, world.comment.pk],
        "restriction_id": [],
        "report_id": [world.report.pk],
        "sensor_id": [world.sensor.pk],
        "town_id": [world.town.pk],
    }
    known = {name: [str(v) for v in values] for name, values in ints.items()}
    known.update(
        public_id=[world.household.public_id, world.onboarding_public_id],
        household_id=[world.household.public_id],
        token=[world.shop.token, str(world.report.token)],
        code=[world.report_category.service_code],
        fmt=["json", "xml"],
        slug=[world.neighbourhood.slug, world.ambassador_page.slug],
        kind=["post", "comment", "message", "tip", "report", "report_note"],
    )
    return known
