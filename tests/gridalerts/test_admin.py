"""The admin's grid-alert pages: settings and a manual start, moderators of
the town only."""

from datetime import timedelta

import pytest
from django.urls import reverse

from challenges.models import ChallengePage
from community import roles
from gridalerts.models import FlashLaunch, GridAlertSettings
from tests.factories import NeighbourhoodFactory, make_staff, make_town

pytestmark = pytest.mark.django_db


def start_data(day, **changes) -> dict:
    data = {
        "title": "Canicule : fraîcheur sans climatiseur",
        "day": day.isoformat(),
        "hours": "14-18",
        "goal": "Volets fermés, ventilateur plutôt que climatiseur.",
        "reason": "Canicule",
        "domain": "energy",
        "participation_points": "30",
        "points_per_kwh": "10",
    }
    return {**data, **changes}


def test_a_moderator_starts_a_flash_challenge_by_hand(
    client, town, moderator, challenge_index, energy_action, today
):
    client.force_login(moderator)
    url = reverse("gridalerts_start_flash", args=[town.pk])
    assert client.get(url).status_code == 200

    answer = client.post(url, start_data(today))

    assert answer.status_code == 302
    challenge = ChallengePage.objects.get(title__startswith="Canicule")
    assert challenge.live and challenge.start_date == today
    assert challenge.flash.hours == [14, 15, 16, 17]
    assert challenge.flash.reason == "Canicule"
    assert challenge.flash.participation_points == 30
    launch = FlashLaunch.objects.get(challenge=challenge)
    assert launch.started_by == moderator and launch.signal is None
    page = client.get(challenge.url)
    assert "14 h – 18 h" in page.content.decode()


def test_bad_hours_and_past_days_are_refused_and_nothing_is_created(
    client, town, moderator, challenge_index, today
):
    client.force_login(moderator)
    url = reverse("gridalerts_start_flash", args=[town.pk])
    answer = client.post(url, start_data(today - timedelta(days=1), hours="18-14"))
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert "hours" in errors and "day" in errors
    assert not ChallengePage.objects.exists()


def test_residents_and_other_towns_moderators_may_not(
    client, town, member, challenge_index, today
):
    url = reverse("gridalerts_start_flash", args=[town.pk])
    client.force_login(member.user)
    # Wagtail sends whoever may not use the admin to its login page.
    refused = client.post(url, start_data(today))
    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]
    other_town = make_town("Autreville", hostname="autreville.example")
    NeighbourhoodFactory(town=other_town)
    other = make_staff(other_town, roles.MODERATOR)
    client.force_login(other)
    assert client.post(url, start_data(today)).status_code == 404
    assert client.get(reverse("gridalerts_settings", args=[town.pk])).status_code == 404
    # Their own town's index lists only their town.
    index = client.get(reverse("gridalerts_index"))
    assert index.status_code == 200
    assert [row["town"] for row in index.context["towns"]] == [other_town]
    assert not ChallengePage.objects.exists()


def test_a_moderator_sets_the_towns_template(client, town, moderator):
    client.force_login(moderator)
    url = reverse("gridalerts_settings", args=[town.pk])
    answer = client.post(
        url,
        {
            "source_url": "https://rte.example/signal.json",
            "flash_enabled": "on",
            "hours_mode": "fixed",
            "fixed_hours": "8-13, 17-20",
            "goal": "Moins de chauffage aux heures de pointe.",
            "domain": "energy",
            "participation_points": "15",
            "points_per_kwh": "20",
        },
    )
    assert answer.status_code == 302
    config = GridAlertSettings.objects.get(town=town)
    assert config.hours_for([3] * 24) == [8, 9, 10, 11, 12, 17, 18, 19]
    assert config.points_per_kwh == 20
    bad = client.post(url, {"fixed_hours": "matin", "hours_mode": "fixed"})
    assert bad.status_code == 200
    assert "fixed_hours" in bad.context["form"].errors
