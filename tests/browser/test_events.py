"""On a phone: a household takes the last places of an event, another waits,
the first cancels and the second moves up. Real browser, real server, axe."""

import pytest

from events.models import Registration, RegistrationStatus
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.events.helpers import make_event, make_event_index
from tests.factories import PASSWORD, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_wait_cancel_and_move_up_on_a_phone(
    new_context, live_town, live_neighbourhood, asgi_server
):
    index = make_event_index(live_town)
    event = make_event(index, "Café réparation", capacity=2)
    first = make_member(live_town, neighbourhood=live_neighbourhood)
    second = make_member(live_town, neighbourhood=live_neighbourhood)

    page = new_context(**PHONE).new_page()
    login(page, asgi_server, first.user.email, PASSWORD)
    page.goto("/evenements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Événements")
    assert_accessible(page)
    page.get_by_role("link", name="Café réparation").click()
    page.get_by_label("Nombre de personnes de votre foyer").select_option("2")
    page.get_by_role("button", name="Inscrire mon foyer").click()
    expect(page.get_by_role("status")).to_contain_text("votre foyer est inscrit")
    assert_accessible(page)

    other = new_context(**PHONE).new_page()
    login(other, asgi_server, second.user.email, PASSWORD)
    other.goto(event.url)
    other.get_by_role("button", name="M'inscrire en liste d'attente").click()
    expect(other.get_by_text("position 1").first).to_be_visible()
    assert_accessible(other)

    page.get_by_role("button", name="Annuler l'inscription").click()
    expect(page.get_by_role("status")).to_contain_text("Votre inscription est annulée")
    registration = Registration.objects.get(household=second.household)
    assert registration.status == RegistrationStatus.CONFIRMED
    other.reload()
    expect(other.get_by_text("Votre foyer est inscrit (1 personne).")).to_be_visible()
