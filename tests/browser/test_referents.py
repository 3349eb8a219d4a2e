"""« Questions aux référents » on a phone (375×667) in a real browser: a
resident asks, the domain's référent answers (badge shown), the resident marks
the solution, and the search finds the solved question; axe on each page."""

import pytest

from community.models import Referent
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Comment purger mes radiateurs ?"


def test_ask_answer_solve_and_find_on_a_phone(
    new_context, asgi_server, live_town, live_neighbourhood
):
    make_member(live_town, neighbourhood=live_neighbourhood, email="anne@b.org")
    adviser = make_member(
        live_town,
        neighbourhood=live_neighbourhood,
        email="claire@b.org",
        display_name="Claire R.",
    )
    Referent.objects.create(
        town=live_town,
        member=adviser,
        title="Conseillère énergie",
        domains=["energy"],
    )
    phone = {"viewport": {"width": 375, "height": 667}, "has_touch": True}

    anne = new_context(**phone).new_page()
    login(anne, asgi_server, "anne@b.org", PASSWORD)
    anne.goto("/questions/")
    expect(anne.locator("h1")).to_have_text("Questions aux référents")
    assert_accessible(anne)
    anne.get_by_role("link", name="Poser une question").click()
    anne.get_by_label("Domaine").select_option("energy")
    anne.get_by_label("Votre question").fill(TITLE)
    anne.get_by_label("Précisions (facultatif)").fill("Le haut reste tiède.")
    anne.get_by_role("button", name="Poser la question").click()
    expect(anne.locator("h1")).to_have_text(TITLE)
    question_url = anne.url
    assert_accessible(anne)

    claire = new_context(**phone).new_page()
    login(claire, asgi_server, "claire@b.org", PASSWORD)
    claire.goto(question_url)
    claire.get_by_label("Votre réponse").fill("Purgez avec une clé carrée.")
    claire.get_by_role("button", name="Envoyer ma réponse").click()
    expect(claire.locator(".answer")).to_contain_text("Référent·e Énergie")

    anne.goto(question_url)
    expect(anne.locator(".answer")).to_contain_text("Purgez avec une clé carrée.")
    assert_accessible(anne)
    anne.get_by_role("button", name="C'est la solution").click()
    expect(anne.locator(".answer-solution")).to_contain_text("La solution")
    expect(anne.locator(".question__meta")).to_contain_text("Résolue")

    # Solved means searchable (indexed after the commit; Elasticsearch shows
    # it at its next refresh, within a second).
    for _ in range(20):
        anne.goto("/search/?q=radiateurs")
        if anne.get_by_role("link", name=TITLE).count():
            break
        anne.wait_for_timeout(250)
    expect(anne.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(anne)
