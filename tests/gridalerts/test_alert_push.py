"""A red day imported by `manage.py import_ecowatt` reaches an opted-in
member's phone through the local push service emulator (VAPID checked, payload
decrypted), in a deployment of two towns: what the phone shows, and its click
opening the flash challenge's page on the member's own site."""

import json
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from community.towns import page_path
from gridalerts.actions import do_set_opt_in
from gridalerts.models import FlashLaunch
from push.models import PushDevice
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.gridalerts.conftest import signal_body, write_signal
from tests.support.push_emulator import PushEmulator, emulator_for_tests

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def push_emulator() -> Iterator[PushEmulator]:
    with emulator_for_tests() as emulator:
        yield emulator


def test_a_red_day_pushes_the_flash_challenge_to_opted_in_phones(
    tmp_path,
    town,
    neighbourhood,
    challenge_index,
    energy_action,
    today,
    push_emulator,
    django_capture_on_commit_callbacks,
):
    # A second town: Wagtail's `page.url` is then a full address.
    make_town("Ailleurs", hostname="ailleurs.example")
    told = make_member(town, neighbourhood=neighbourhood)
    silent = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
    do_set_opt_in(told, True)
    phones = {}
    for member in (told, silent):
        phones[member.pk] = push_emulator.phone(member)

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import_ecowatt",
            write_signal(tmp_path, signal_body(today)),
            "--town",
            town.slug,
            stdout=StringIO(),
        )

    red, orange = (
        launch.challenge
        for launch in FlashLaunch.objects.filter(town=town).order_by("day")
    )
    assert red.start_date == today + timedelta(days=1)
    path = page_path(red)
    assert path.startswith("/") and red.url.endswith(path) and red.url != path
    received = [
        json.loads(m) for m in push_emulator.messages(phones[told.pk]["clientHash"])
    ]
    assert len(received) == 2
    first = received[0]
    assert first["title"] == red.title and first["title"].startswith("Alerte rouge du")
    assert "7 h – 13 h, 17 h – 21 h" in first["body"]
    # The click opens the challenge on the member's site, not /notifications/.
    assert first["url"] == path
    assert first["tag"] == f"grid_alert:{path}"
    assert received[1]["url"] == page_path(orange)
    # Not opted in: no notification, so no push.
    assert push_emulator.messages(phones[silent.pk]["clientHash"]) == []
    assert PushDevice.objects.get(member=told).failures == 0
