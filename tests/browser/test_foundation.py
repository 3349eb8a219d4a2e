"""The foundation pages in a real browser: French home page, sign-up with an
invitation code, language switch, keyboard use, axe-core, with and without
JavaScript."""

import re

import pytest
from playwright.sync_api import Page

from community.models import HouseholdStatus, Member
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_household, make_invitation, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_home_page_speaks_french_and_passes_axe(page: Page, live_neighbourhood):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Val-Test")
    expect(page.get_by_role("row", name=re.compile("Les Tilleuls"))).to_be_visible()
    expect(page.get_by_role("link", name="S'inscrire").first).to_be_visible()
    # The stylesheet reached the browser: axe judges the styled page.
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 10
    assert_accessible(page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/compte/inscription/", "Inscription"), ("/compte/connexion/", "Connexion")],
)
def test_the_account_pages_pass_axe(page: Page, live_neighbourhood, path, heading):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)

    # And once the form comes back with its errors.
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire n'a pas")
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_visitor_signs_up_with_a_code_and_switches_to_english(
    new_context, live_neighbourhood, javascript
):
    household = make_household(live_neighbourhood)
    code = make_invitation(household).code
    page = new_context(java_script_enabled=javascript).new_page()

    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="S'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription")
    page.get_by_label("Code d'invitation").fill(code)
    page.get_by_label("Nom affiché").fill("Anne B.")
    page.get_by_label("Adresse e-mail").fill("anne.b@example.org")
    page.get_by_label(re.compile(r"^Mot de passe\W*$")).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    # Signed up: the welcome path first (community/welcome.py); then the
    # household's page.
    expect(page).to_have_url(re.compile("/bienvenue/domaines/$"))
    expect(page.get_by_role("status")).to_contain_text("Bienvenue, Anne B. !")
    page.goto("/foyer/")
    expect(page).to_have_url(re.compile(f"/foyers/{household.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Foyer {household.public_id}"
    )
    member = Member.objects.get(user__username="anne.b@example.org")
    assert member.household_id == household.pk
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(f"/foyers/{household.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Household {household.public_id}"
    )
    expect(page.get_by_role("link", name="My household")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute(
        "aria-current", "true"
    )
    member.refresh_from_db()
    assert member.preferred_language == "en"
    assert_accessible(page)


def test_a_member_logs_in_through_the_real_form(
    page: Page, asgi_server, live_neighbourhood
):
    member = make_member(
        live_neighbourhood.town,
        household=make_household(live_neighbourhood),
        email="paul.m@example.org",
    )

    login(page, asgi_server, "paul.m@example.org", PASSWORD)

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.get_by_role("link", name="Mon foyer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Foyer {member.household.public_id}"
    )


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    page: Page, live_town
):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    # Hidden off-screen until focused, then in view.
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0

    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    # The next Tab stop is inside main, past the header's links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
