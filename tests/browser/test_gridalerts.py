"""Grid alerts in a real browser: a member opts in, takes part in a flash
challenge and logs an action at an alert hour; a scored flash challenge shows
its results. Every page passes axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from challenges.actions import do_mark_flash_scored
from community import roles
from gridalerts.models import GridAlertOptIn
from tests.browser.support import assert_accessible, expect, login
from tests.challenges.conftest import make_action_type, make_challenge_index
from tests.factories import PASSWORD, make_member, make_staff
from tests.gridalerts.conftest import move_to, record_results, start_flash

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_opt_in_take_part_and_read_the_results(
    page, asgi_server, live_town, live_neighbourhood
):
    anne = make_member(
        live_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    action = make_action_type("energy")
    action.label = "Chauffage baissé d'un degré"
    action.save(update_fields=["label"])
    make_challenge_index(live_town)
    moderator = make_staff(live_town, roles.MODERATOR)
    today = timezone.localdate()
    flash = start_flash(moderator, live_town, today, list(range(24)))
    past = move_to(
        start_flash(moderator, live_town, today, [18, 19], title="Alerte d'hier"),
        today - timedelta(days=1),
    )
    record_results(past, {live_neighbourhood: 5})
    do_mark_flash_scored(past)

    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(f"{asgi_server}/alertes-reseau/")
    assert_accessible(page)
    page.get_by_label("Me prévenir des alertes du réseau électrique").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vous serez prévenu des alertes réseau.")).to_be_visible()
    assert GridAlertOptIn.objects.filter(member=anne).exists()

    page.goto(asgi_server + flash.url)
    expect(page.get_by_text("points des actions déclarées")).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Mon foyer participe").click()
    page.get_by_role("link", name="J'ai agi").click()
    expect(page.get_by_label("L'heure où je l'ai faite")).to_be_visible()
    assert_accessible(page)
    hour = timezone.localtime().hour
    page.get_by_label("Mon action").select_option(label="Chauffage baissé d'un degré")
    page.get_by_label("L'heure où je l'ai faite").select_option(
        label=f"{hour} h – {hour + 1} h"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mon action").click()
    expect(page.get_by_text("Bravo !")).to_be_visible()

    page.goto(asgi_server + past.url)
    expect(page.get_by_role("table", name="Par quartier")).to_be_visible()
    expect(page.get_by_text("5 foyers ont participé ; 5,0 kWh")).to_be_visible()
    assert_accessible(page)
