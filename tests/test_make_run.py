"""`make run` serves SQLite: the demo town must load on it.

The seeding stored the town sensors' values with a PostgreSQL-only statement
(arrays and `unnest`), so `make run` failed on a fresh machine (session 10);
the suite runs on PostgreSQL and never saw it. This module runs only in the
second, SQLite run of tests/search/test_database_search.py
(`test_the_same_tests_pass_on_sqlite`): the main run leaves it out with the
`sqlite_run` marker (pyproject's addopts), it is not skipped.
"""

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from challenges.models import ChallengePage
from community.models import Household, HouseholdStatus, Member, TownPage
from demo.town import TOWN_SLUG
from feeds.actions import check_add_comment, check_create_post
from scoring.models import TownSensorLatest, TownSensorReading
from townsensors.models import TownSensor

pytestmark = pytest.mark.sqlite_run
DEMO_RESIDENT = "anne.martin@demo.smartcitizen.fr"


@pytest.fixture(scope="session")
def real_services() -> None:
    """The suite's own check (tests/conftest.py), on `make run`'s database."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" not in engine:
        pytest.exit(f"This module runs on SQLite, not {engine}.", returncode=3)
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()


@pytest.mark.django_db
def test_the_demo_town_loads_on_the_database_of_make_run():
    call_command("seed_demo", if_empty=True, verbosity=0)

    town = TownPage.objects.get(slug=TOWN_SLUG)
    active = Household.objects.filter(
        neighbourhood__town=town, status=HouseholdStatus.ACTIVE
    )
    assert active.count() == 600
    sensors = TownSensor.objects.filter(town=town).count()
    assert sensors > 0
    # Every sensor's values and latest value, stored through the portable path.
    assert TownSensorLatest.objects.filter(town_id=town.pk).count() == sensors
    assert TownSensorReading.objects.filter(town_id=town.pk).count() > sensors
    assert ChallengePage.objects.filter(flash__isnull=False).exists()
    # Seeding again (`make run` twice) changes nothing.
    readings = TownSensorReading.objects.count()
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert TownSensorReading.objects.count() == readings


@pytest.mark.django_db
def test_a_resident_reads_the_feeds_and_a_post_on_sqlite(client):
    """The written-out queries of the pages are PostgreSQL's (arrays, JSON):
    on `make run`'s SQLite the same pages come from the ORM, with the same
    cards (issue 14)."""
    call_command("seed_demo", if_empty=True, verbosity=0)
    resident = Member.objects.select_related("household__neighbourhood").get(
        user__email=DEMO_RESIDENT
    )
    author = Member.objects.exclude(pk=resident.pk).filter(town=resident.town).first()
    post = check_create_post(
        author, body="Un composteur partagé ?", client_key="sqlite-1"
    )
    check_add_comment(resident, post, body="Oui, rue des Lilas", client_key="sqlite-2")
    client.force_login(resident.user)
    neighbourhood = resident.household.neighbourhood
    for url in (
        reverse("feeds:town"),
        reverse("feeds:neighbourhood", args=[neighbourhood.slug]),
        reverse("feeds:mine"),
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="post"' in response.content.decode() or url == "/", url
    page = client.get(reverse("feeds:post", args=[post.pk])).content.decode()
    assert "Un composteur partagé ?" in page
    assert "Oui, rue des Lilas" in page
    assert 'id="notification-badge"' in page
