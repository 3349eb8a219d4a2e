"""A household changes its domains on its page, on a phone (375×667), and the
tips list shows them first at once; « Tout voir » gives the default order.
Axe clean on both pages."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member
from tests.tips.helpers import make_tip, make_tip_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "lea@example.org"


def test_chosen_domains_come_first_in_the_tips_list(
    new_context, asgi_server, live_town, live_neighbourhood
):
    index = make_tip_index(live_town)
    # No votes yet: the default order is newest first.
    make_tip(index, "Douche courte", domain="water")
    make_tip(index, "Le vélo pour l'école", domain="transport")
    make_member(live_town, neighbourhood=live_neighbourhood, email=EMAIL)

    page = new_context(**PHONE).new_page()
    login(page, asgi_server, EMAIL, PASSWORD)
    page.goto("/foyer/")
    expect(page.get_by_role("heading", name="Nos domaines d'action")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Les domaines de notre foyer").get_by_label(
        "Eau"
    ).check()
    page.get_by_role("button", name="Enregistrer nos domaines").click()
    expect(page.locator("main .messages")).to_contain_text(
        "Les domaines de votre foyer sont enregistrés"
    )

    page.goto("/astuces/")
    cards = page.locator(".card h2")
    expect(cards.first).to_have_text("Douche courte")
    expect(page.locator(".domains-first")).to_contain_text("D'abord vos domaines : Eau")
    assert_accessible(page)
    page.get_by_role("link", name="Tout voir").click()
    expect(cards.first).to_have_text("Le vélo pour l'école")
    expect(page.locator(".domains-first")).to_contain_text("Vous voyez tout")
