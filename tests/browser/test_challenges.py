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


def test_a_post_to_the_challenge_feed_appears_live_for_another_member(
    new_context, asgi_server, challenge, anne, paul
):
    from tests.browser.test_feeds import OPEN_SOCKETS, TRACK_SOCKETS

    watcher_context = new_context()
    watcher_context.add_init_script(TRACK_SOCKETS)
    watcher = watcher_context.new_page()
    login(watcher, asgi_server, paul.user.email, PASSWORD)
    watcher.goto(challenge.url + "fil/")
    expect(watcher.get_by_role("heading", level=1)).to_contain_text("Fil du défi")
    assert_accessible(watcher)
    # Polled from here: wait_for_function's polling evaluates a string, which
    # the site's Content-Security-Policy (no 'unsafe-eval') refuses.
    for _ in range(200):
        if watcher.evaluate(f"({OPEN_SOCKETS})()") > 0:
            break
        watcher.wait_for_timeout(50)
    assert watcher.evaluate(f"({OPEN_SOCKETS})()") > 0
    watcher.evaluate("() => { window.__notReloaded = true; }")

    page = new_context().new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(challenge.url)
    page.get_by_role("link", name="Tout le fil du défi, et y écrire").click()
    page.get_by_label("Votre message").fill("Douche chronométrée : 4 min 30 !")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier").click()
    # Back on the challenge's feed, with the post on top.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fil du défi")
    expect(page.locator(".post-body").first).to_have_text(
        "Douche chronométrée : 4 min 30 !"
    )

    post = watcher.locator("article.post", has_text="Douche chronométrée")
    expect(post).to_be_visible()
    expect(post.locator(".post-author")).to_have_text("Anne B.")
    assert watcher.evaluate("() => window.__notReloaded === true")


def test_a_reduction_leaderboard_shows_french_percentages(
    new_context, asgi_server, live_town, anne
):
    from challenges import actions
    from challenges.models import GoalKind

    challenge = make_challenge(
        make_challenge_index(live_town),
        [make_action_type()],
        goal_kind=GoalKind.REDUCTION,
        goal_metric="water_l",
        goal_value=10,
    )
    actions.check_join(anne, challenge)
    rows = []
    day = challenge.start_date
    while day < timezone.localdate():
        rows.append(ReadingRow(anne.household.pk, "water_l", day, Decimal("175.2")))
        rows.append(
            ReadingRow(
                anne.household.pk, "water_l", day - timedelta(weeks=52), Decimal("200")
            )
        )
        day += timedelta(days=1)
    do_import_readings(rows)
    page = new_context().new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(challenge.url + "classement/")
    row = page.get_by_role("row", name=f"Foyer {anne.household.public_id}")
    expect(row.get_by_role("cell").last).to_have_text("\u221212,4\u00a0%")
    assert_accessible(page)
