"""Challenges in a real browser: a member joins a challenge and logs an action,
and the leaderboard open in another browser context updates without reload; the
challenge pages and the dashboard pass axe-core."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from challenges.models import TeamKind
from scoring.actions import ReadingRow, do_import_readings
from tests.browser.support import assert_accessible, expect, login
from tests.challenges.conftest import (
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.factories import PASSWORD, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def challenge(live_town):
    action_type = make_action_type()
    action_type.label = "Douche de 5 minutes"
    action_type.save(update_fields=["label"])
    return make_challenge(
        make_challenge_index(live_town),
        [action_type],
        team_kind=TeamKind.HOUSEHOLD,
    )


@pytest.fixture
def anne(live_town, live_neighbourhood):
    return make_member(
        live_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )


@pytest.fixture
def paul(live_town, live_neighbourhood):
    return make_member(
        live_town, neighbourhood=live_neighbourhood, email="paul@example.org"
    )


def test_an_action_updates_the_leaderboard_open_elsewhere(
    new_context, asgi_server, challenge, anne, paul
):
    watcher = new_context().new_page()
    login(watcher, asgi_server, paul.user.email, PASSWORD)
    watcher.goto(challenge.url + "classement/")
    expect(watcher.get_by_text("Aucun foyer ne participe encore.")).to_be_visible()
    assert_accessible(watcher)
    watcher.wait_for_function("() => window.WebSocket !== undefined")
    watcher.evaluate("() => { window.__notReloaded = true; }")

    page = new_context().new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(challenge.url)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Mon foyer participe").click()
    expect(page.get_by_role("button", name="Quitter le défi")).to_be_visible()

    # Joining already moved the board: Anne's household, 0 points.
    public_id = anne.household.public_id
    row = watcher.get_by_role("row", name=f"Foyer {public_id}")
    expect(row).to_be_visible()

    page.get_by_role("link", name="J'ai agi").click()
    expect(page.get_by_label("Mon action")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Mon action").select_option(label="Douche de 5 minutes")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mon action").click()
    expect(page.get_by_text("Bravo ! 10 points pour votre foyer.")).to_be_visible()

    expect(row.get_by_role("cell").nth(2)).to_have_text("10")
    assert watcher.evaluate("() => window.__notReloaded === true")


def test_the_dashboard_passes_axe(new_context, asgi_server, challenge, anne):
    today = timezone.localdate()
    do_import_readings(
        ReadingRow(anne.household.pk, "water_l", today - timedelta(days=i), Decimal(v))
        for i, v in enumerate(["120", "150", "90"])
    )
    page = new_context().new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto("/foyer/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tableau de bord de mon foyer"
    )
    assert_accessible(page)
    expect(
        page.get_by_role("img", name="Eau (litres) : consommation par jour")
    ).to_be_visible()
