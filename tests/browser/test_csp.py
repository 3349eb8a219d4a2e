"""The Content-Security-Policy in a real browser (docs/security.md): the site's
pages and the live websocket run under the strict policy with no violation, the
print button of an invitation card works without an inline handler, and the
Wagtail admin works under its relaxed policy."""

import pytest

from community import roles
from community.models import HouseholdStatus
from tests.browser.support import expect, login
from tests.factories import PASSWORD, make_household, make_member, make_staff
from tests.tips.helpers import make_tip, make_tip_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before any script of the page (through the DevTools protocol, which the
# policy does not govern) and records every violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_the_site_runs_under_the_strict_policy(page, asgi_server, live_neighbourhood):
    household = make_household(live_neighbourhood, status=HouseholdStatus.ACTIVE)
    member = make_member(live_neighbourhood.town, household=household)
    tip = make_tip(make_tip_index(live_neighbourhood.town), "Couvrir les casseroles")
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, asgi_server, member.user.email, PASSWORD)

    response = page.goto("/fil/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    for path in (
        "/",
        "/fil/",
        "/messages/",
        "/recompenses/",
        tip.url,
        "/search/?q=eau",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path


def test_the_invitation_card_prints_without_an_inline_handler(
    page, asgi_server, live_neighbourhood
):
    from ambassadors.models import AmbassadorIndexPage, AmbassadorPage

    town = live_neighbourhood.town
    ambassador = make_staff(town, roles.AMBASSADOR)
    index = town.add_child(
        instance=AmbassadorIndexPage(title="Les ambassadeurs", slug="ambassadeurs")
    )
    ambassador_page = index.add_child(
        instance=AmbassadorPage(title="Léa", slug="lea", user=ambassador)
    )
    ambassador_page.neighbourhoods.set([live_neighbourhood])
    ambassador_page.save()
    # The print dialog itself would block a headless page: record the call.
    page.add_init_script(
        RECORD_VIOLATIONS + "window.print = function () { window.__printed = true; };"
    )
    login(page, asgi_server, ambassador.email, PASSWORD)

    page.goto("/ambassadeurs/tournee/foyers/nouveau/")
    page.get_by_label("Énergie").check()
    page.get_by_label("Le résident a lu ce texte").check()
    page.get_by_role("button", name="Pré-inscrire et préparer la carte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carte d'invitation")
    page.get_by_role("button", name="Imprimer la carte (A6)").click()
    assert page.evaluate("window.__printed") is True
    assert violations(page) == []


def test_the_wagtail_admin_works_under_its_own_policy(
    page, asgi_server, live_neighbourhood
):
    town = live_neighbourhood.town
    moderator = make_staff(town, roles.MODERATOR)
    tip = make_tip(make_tip_index(town), "Éteindre les veilles")
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(moderator.username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    for path in ("/admin/", f"/admin/pages/{town.pk}/", f"/admin/pages/{tip.pk}/edit/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    # The editor's scripts ran: its title field and save button are live.
    expect(page.locator("#id_title")).to_have_value("Éteindre les veilles")
    page.locator("#id_title").fill("Éteindre les veilles la nuit")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    tip.refresh_from_db()
    assert tip.get_latest_revision().content["title"] == "Éteindre les veilles la nuit"
    assert violations(page) == []
