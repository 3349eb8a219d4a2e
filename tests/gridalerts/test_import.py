"""`manage.py import_ecowatt`: idempotent imports, one flash challenge per alert
day, opted-in members told."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from notifications.models import Notification

from challenges.models import ChallengePage, FlashLevel
from community.towns import page_path
from gridalerts.actions import do_set_opt_in
from gridalerts.models import FlashLaunch, GridAlertSettings, GridSignalDay
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.gridalerts.conftest import (
    DATA,
    RED_HOURS,
    signal_body,
    write_signal,
)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_ecowatt", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def stored(town) -> list[tuple]:
    return list(
        GridSignalDay.objects.filter(town=town)
        .order_by("day")
        .values_list("day", "dvalue", "message", "hourly", "imported_at")
    )


def test_the_same_signal_twice_changes_nothing(
    tmp_path, town, challenge_index, energy_action, today
):
    path = write_signal(tmp_path, signal_body(today))
    first = run(path, "--town", town.slug)
    assert "4 jours nouveaux" in first and "1 défis flash lancés" not in first
    before = stored(town)
    assert [row[1] for row in before] == [1, 3, 2, 1]
    challenges = ChallengePage.objects.count()

    second = run(path, "--town", town.slug)

    assert "0 jours nouveaux, 0 modifiés, 4 inchangés, 0 défis flash" in second
    assert stored(town) == before
    assert ChallengePage.objects.count() == challenges


def test_a_red_and_an_orange_day_start_one_flash_challenge_each(
    tmp_path, town, challenge_index, energy_action, today
):
    run(write_signal(tmp_path, signal_body(today)), "--town", town.slug)

    launches = FlashLaunch.objects.filter(town=town).order_by("day")
    assert [launch.day for launch in launches] == [
        today + timedelta(days=1),
        today + timedelta(days=2),
    ]
    red = launches[0].challenge
    assert red.live and red.start_date == red.end_date == today + timedelta(days=1)
    assert red.get_parent().pk == challenge_index.pk
    assert red.flash.level == FlashLevel.RED
    assert red.flash.hours == RED_HOURS
    assert list(red.action_types.all()) == [energy_action]
    assert launches[1].challenge.flash.hours == [8, 9, 18]


def test_a_day_turning_red_later_starts_its_challenge_once(
    tmp_path, town, challenge_index, energy_action, today
):
    green = signal_body(today)
    green["signals"][1]["dvalue"] = 1
    green["signals"][2]["dvalue"] = 1
    run(write_signal(tmp_path, green, "green.json"))
    assert not FlashLaunch.objects.exists()

    red = signal_body(today)
    run(write_signal(tmp_path, red, "red.json"))
    assert FlashLaunch.objects.filter(town=town).count() == 2
    # The red day gets a new message: updated, still one challenge.
    red["signals"][1]["message"] = "Toujours rouge."
    output = run(write_signal(tmp_path, red, "red2.json"))
    assert "1 modifiés" in output
    assert FlashLaunch.objects.filter(town=town).count() == 2
    assert GridSignalDay.objects.get(
        town=town, day=today + timedelta(days=1)
    ).message == ("Toujours rouge.")


def test_fixed_hours_from_the_settings(
    tmp_path, town, challenge_index, energy_action, today
):
    GridAlertSettings.objects.create(
        town=town, hours_mode="fixed", fixed_hours="8-10, 18-19"
    )
    run(write_signal(tmp_path, signal_body(today)))
    hours = [launch.challenge.flash.hours for launch in FlashLaunch.objects.all()]
    assert hours == [[8, 9, 18], [8, 9, 18]]


def test_past_alert_days_and_disabled_towns_start_nothing(
    tmp_path, town, challenge_index, energy_action, today
):
    run(write_signal(tmp_path, signal_body(today - timedelta(days=5)), "past.json"))
    assert GridSignalDay.objects.filter(town=town, dvalue=3).exists()
    assert not FlashLaunch.objects.exists()
    GridAlertSettings.objects.create(town=town, flash_enabled=False)
    run(write_signal(tmp_path, signal_body(today), "now.json"))
    assert not FlashLaunch.objects.exists()


def test_opted_in_members_are_told_and_no_one_else(
    client, tmp_path, town, neighbourhood, challenge_index, energy_action, today
):
    told = make_member(town, neighbourhood=neighbourhood)
    silent = make_member(town, neighbourhood=neighbourhood)
    elsewhere_town = make_town("Ailleurs", hostname="ailleurs.example")
    elsewhere = make_member(
        elsewhere_town, neighbourhood=NeighbourhoodFactory(town=elsewhere_town)
    )
    do_set_opt_in(told, True)
    do_set_opt_in(elsewhere, True)

    run(write_signal(tmp_path, signal_body(today)), "--town", town.slug)

    rows = Notification.objects.filter(verb="grid_alert").order_by("pk")
    assert [row.recipient_id for row in rows] == [told.user_id, told.user_id]
    red = FlashLaunch.objects.get(town=town, day=today + timedelta(days=1)).challenge
    data = rows[0].data
    assert data["kind"] == "grid_alert"
    # A path of the town's site (with two towns, `red.url` is a full address).
    assert data["url"] == page_path(red) and red.url.endswith(data["url"])
    assert data["title"] == red.title and "Alerte rouge" in data["title"]
    assert "7 h – 13 h, 17 h – 21 h" in data["excerpt"]
    assert not Notification.objects.filter(recipient=silent.user).exists()
    # The notification centre says what it is and links to the challenge.
    client.force_login(told.user)
    centre = client.get(reverse("feeds:notifications")).content.decode()
    assert "alerte sur le réseau électrique" in centre
    assert "Alerte rouge du" in centre


@pytest.mark.parametrize(
    "name", ["bad_json.json", "wrong_shape.json", "out_of_range.json"]
)
def test_a_bad_file_changes_nothing(name, town, challenge_index):
    with pytest.raises(CommandError):
        run(str(DATA / name))
    assert not GridSignalDay.objects.exists()


def test_without_an_argument_each_town_reads_its_own_url(
    town, challenge_index, energy_action, today, monkeypatch
):
    import json

    from gridalerts.management.commands import import_ecowatt

    GridAlertSettings.objects.create(town=town, source_url="https://rte.example/signal")
    asked = []

    def fake_fetch(url: str) -> bytes:
        asked.append(url)
        return json.dumps(signal_body(today)).encode()

    monkeypatch.setattr(import_ecowatt, "fetch_signal", fake_fetch)
    run()
    assert asked == ["https://rte.example/signal"]
    assert GridSignalDay.objects.filter(town=town).count() == 4
    assert GridSignalDay.objects.first().source == "https://rte.example/signal"


def test_an_unknown_town_is_an_error(tmp_path, town):
    with pytest.raises(CommandError, match="inconnue"):
        run(str(DATA / "ecowatt_signal.json"), "--town", "nulle-part")


class FakeAnswer:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __enter__(self):
        return self

    def __exit__(self, *args) -> None:
        return None

    def raise_for_status(self) -> None:
        return None

    def iter_content(self, chunk_size: int):
        return iter(self.chunks)


def test_a_url_is_fetched_with_a_timeout_and_a_size_cap(monkeypatch):
    import requests

    from gridalerts import fetch
    from gridalerts.ecowatt import EcowattError

    calls = []

    def fake_get(url, **kwargs):
        calls.append(kwargs)
        return FakeAnswer([b"x" * 300_000, b"x" * 300_000])

    monkeypatch.setattr(requests, "get", fake_get)
    with pytest.raises(EcowattError, match="trop gros"):
        fetch.fetch_signal("https://rte.example/signal")
    assert calls[0]["timeout"] == fetch.TIMEOUT_SECONDS
    with pytest.raises(EcowattError, match="http"):
        fetch.fetch_signal("file:///etc/passwd")
