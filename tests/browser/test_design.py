"""The design system on a phone and a desktop (issue 12): on a 375×667 screen
every main page has a header of at most 120 px, no sideways scroll, and passes
axe; the header's menu opens and its links work without JavaScript; on a desktop
the navigation shows without opening anything."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from challenges import actions as challenge_actions
from challenges.models import GoalKind, TeamKind
from community import roles
from feeds import actions as feed_actions
from feeds.models import PostTarget
from moderation import actions as moderation_actions
from moderation.models import Reason
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect, login
from tests.browser.test_ambassadors import AMBASSADOR_EMAIL, ambassador  # noqa: F401
from tests.challenges.conftest import (
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.factories import PASSWORD, NeighbourhoodFactory, make_member, make_staff
from tests.tips.helpers import make_tip, make_tip_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER_MAX_PX = 120
PHONE_WIDTH = PHONE["viewport"]["width"]
# axe rules of issue 12 that assert_accessible lets pass (moderate or minor):
# here they fail the test too.
ISSUE_RULES = {"landmark-unique", "aria-allowed-role", "label-content-name-mismatch"}
# A neighbourhood name as long as real ones get: the leaderboard must wrap it.
LONG_NAME = "Les Hauts-de-Saint-Barthélemy-des-Vignes"
MODERATOR_EMAIL = "moderation@example.org"
# The elements whose right edge passes the screen's, for a failure's message.
WIDER_THAN_SCREEN = """(width) => [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width)
    .slice(0, 8)
    .map((element) => element.outerHTML.slice(0, 120))"""


@pytest.fixture
def town_with_content(live_town, live_neighbourhood):
    """A member of each kind, a tip, two leaderboards with rows, a reported post."""
    far = NeighbourhoodFactory(town=live_town, name=LONG_NAME)
    anne = make_member(
        live_town, neighbourhood=live_neighbourhood, email="anne@example.org"
    )
    samir = make_member(
        live_town, neighbourhood=far, email="samir@example.org", display_name="Samir"
    )
    make_tip(make_tip_index(live_town), "Couper l'eau pendant le savonnage")
    index = make_challenge_index(live_town)
    points = make_challenge(
        index, [make_action_type()], team_kind=TeamKind.NEIGHBOURHOOD
    )
    reduction = make_challenge(
        index,
        [make_action_type()],
        team_kind=TeamKind.NEIGHBOURHOOD,
        goal_kind=GoalKind.REDUCTION,
        goal_metric="water_l",
        goal_value=10,
    )
    for challenge in (points, reduction):
        for member in (anne, samir):
            challenge_actions.check_join(member, challenge)
    post = feed_actions.check_create_post(
        samir,
        body="Qui vend des paniers de légumes le samedi ?",
        client_key="design-1",
        target=PostTarget.TOWN,
    )
    moderation_actions.check_report(anne, "post", post.pk, reason=Reason.SPAM)
    # A second post: each post's reactions must not make one more landmark of
    # the same name on the town feed (axe landmark-unique).
    feed_actions.check_create_post(
        anne,
        body="Le marché de samedi a des pommes du verger voisin.",
        client_key="design-2",
        target=PostTarget.TOWN,
    )
    make_staff(live_town, roles.MODERATOR, email=MODERATOR_EMAIL)
    return {"anne": anne, "points": points, "reduction": reduction}


def check_phone_layout(page: Page) -> None:
    """The bars of issue 12 on the page as it is now."""
    url = page.url
    box = page.locator("header").first.bounding_box()
    assert box is not None, f"no header on {url}"
    assert box["height"] <= HEADER_MAX_PX, (
        f"header {box['height']:.0f} px tall on {url}"
    )
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, (
        f"{url} scrolls sideways: {scroll_width} px wide, past the edge: "
        + ", ".join(page.evaluate(WIDER_THAN_SCREEN, PHONE_WIDTH))
    )
    violations = assert_accessible(page)
    found = sorted({v["id"] for v in violations} & ISSUE_RULES)
    assert not found, f"axe on {url}: {found}"


def test_main_pages_fit_a_phone(
    new_context,
    asgi_server,
    town_with_content,
    ambassador,  # noqa: F811
):
    points, reduction = town_with_content["points"], town_with_content["reduction"]
    pages = {
        None: ["/", reverse("login"), "/astuces/", "/search/?q=eau"],
        "anne@example.org": [
            "/",
            reverse("feeds:mine"),
            reverse("feeds:town"),
            reverse("challenges:dashboard"),
            "/defis/",
            points.url + "classement/",
            reduction.url + "classement/",
        ],
        AMBASSADOR_EMAIL: [reverse("ambassadors:pre_register")],
    }
    for email, paths in pages.items():
        page = new_context(**PHONE).new_page()
        if email is not None:
            login(page, asgi_server, email, PASSWORD)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{path}: {response.status}"
            check_phone_layout(page)

    # The leaderboards are real tables, with the long name in a row header.
    page.goto(points.url + "classement/")
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("rowheader", name=LONG_NAME)).to_be_visible()


def test_the_moderation_queue_fits_a_phone_and_passes_axe(
    new_context, asgi_server, town_with_content
):
    for context_options in (PHONE, {"viewport": {"width": 1280, "height": 800}}):
        admin = new_context(**context_options).new_page()
        admin.goto("/admin/login/")
        admin.locator("input[name=username]").fill(MODERATOR_EMAIL)
        admin.locator("input[name=password]").fill(PASSWORD)
        with admin.expect_navigation():
            admin.locator("form button[type=submit]").first.click()
        # With a filter on, the filter button shows a count (1): it must be
        # part of the button's name.
        admin.goto(reverse("moderation_reportgroup:list") + "?state=open")
        expect(admin.get_by_text("Qui vend des paniers").first).to_be_visible()
        if context_options is PHONE:
            check_phone_layout(admin)
        else:
            violations = assert_accessible(admin)
            assert not {v["id"] for v in violations} & ISSUE_RULES, violations


def test_the_menu_opens_and_its_links_work_without_javascript(
    new_context, live_town, town_with_content
):
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    menu_button = nav.locator("summary")
    expect(menu_button).to_have_accessible_name("Menu")
    tips = nav.get_by_role("link", name="Astuces")
    expect(tips).to_be_hidden()
    check_phone_layout(page)

    menu_button.click()
    expect(tips).to_be_visible()
    expect(page.get_by_role("search", name="Recherche rapide")).to_be_visible()
    assert_accessible(page)  # the open menu too
    with page.expect_navigation():
        tips.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Astuces")

    # The language switch sits in the menu too, and is a plain form.
    menu_button.click()
    with page.expect_navigation():
        nav.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.locator("summary").click()
    expect(nav.get_by_role("link", name="Tips")).to_be_visible()


def test_a_member_s_unread_count_stays_in_sight_on_a_phone(
    new_context, asgi_server, town_with_content
):
    page = new_context(**PHONE).new_page()
    login(page, asgi_server, "samir@example.org", PASSWORD)
    page.goto("/")
    notifications = page.get_by_role("link", name="Notifications")
    expect(notifications).to_be_visible()
    expect(page.get_by_role("link", name="Mon profil")).to_be_hidden()
    with page.expect_navigation():
        notifications.click()
    assert page.url.endswith(reverse("feeds:notifications"))


def test_on_a_desktop_the_navigation_shows_without_opening_anything(
    page, asgi_server, town_with_content
):
    login(page, asgi_server, "anne@example.org", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.locator("summary")).to_be_hidden()
    for name in ("Accueil", "Astuces", "Défis", "Mon foyer", "Fil", "Mon profil"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
    expect(nav.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Rechercher sur le site")).to_be_visible()
    with page.expect_navigation():
        nav.get_by_role("link", name="Défis").click()
    assert page.url.endswith("/defis/")
