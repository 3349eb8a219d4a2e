"""A resident proposes a tip on the site; a moderator reviews it in the Wagtail
admin; the author is notified and credited. Real browser, real server."""

import re

import pytest
from notifications.models import Notification
from playwright.sync_api import Page

from community import roles
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member, make_staff
from tests.tips.helpers import make_tip_index
from tips.models import TipPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Un boudin de porte contre les courants d'air"


def propose_tip(page: Page, base_url: str, email: str) -> TipPage:
    login(page, base_url, email, PASSWORD)
    page.goto("/astuces/")
    assert_accessible(page)
    page.get_by_role("link", name="Proposer une astuce").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une astuce")
    assert_accessible(page)
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("En bref").fill("Un boudin sous la porte garde la chaleur.")
    page.get_by_label("Domaine").select_option("energy")
    page.get_by_label("Difficulté").select_option("easy")
    page.get_by_label("Étapes").fill("Mesurer la porte\nCoudre le boudin")
    page.get_by_role("button", name="Envoyer aux modérateurs").click()
    expect(page.get_by_role("status")).to_contain_text("Merci !")
    return TipPage.objects.get(title=TITLE)


def review(page: Page, base_url: str, moderator_email: str, tip: TipPage, action: str,
           comment: str) -> None:  # fmt: skip
    page.goto(f"{base_url}/admin/login/")
    page.locator("input[name=username]").fill(moderator_email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    page.goto(f"{base_url}/admin/pages/{tip.pk}/edit/")
    # The "with comment" actions sit in the editor's action menu and open a modal.
    button = page.locator(
        f"button[data-workflow-action-name={action}][data-workflow-action-modal-url]"
    ).first
    button.dispatch_event("click")
    modal = page.locator(".modal.show, [role=dialog]").filter(
        has=page.locator("textarea[name=comment]")
    )
    modal.locator("textarea[name=comment]").fill(comment)
    modal.locator("[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/"))


def test_a_proposed_tip_is_approved_and_its_author_credited(
    new_context, live_town, live_neighbourhood, asgi_server
):
    make_tip_index(live_town)
    resident = make_member(live_town, neighbourhood=live_neighbourhood,
                           display_name="Zoé L.")  # fmt: skip
    moderator = make_staff(live_town, roles.MODERATOR)

    tip = propose_tip(new_context().new_page(), asgi_server, resident.user.email)
    assert tip.live is False

    review(new_context().new_page(), asgi_server, moderator.email, tip, "approve",
           "Parfait, merci !")  # fmt: skip
    expect_published = new_context().new_page()
    for _ in range(50):
        tip.refresh_from_db()
        if tip.live:
            break
        expect_published.wait_for_timeout(100)
    assert tip.live is True
    note = Notification.objects.get(recipient=resident.user)
    assert note.verb == "tip_approved" and note.data["comment"] == "Parfait, merci !"

    expect_published.goto(f"/astuces/{tip.slug}/")
    expect(expect_published.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(expect_published.get_by_text("Proposée par Zoé L.")).to_be_visible()
    assert_accessible(expect_published)

    # Published means searchable (the server indexed it after commit), without
    # JavaScript, with the excerpt highlighted.
    search = new_context(java_script_enabled=False).new_page()
    for _ in range(20):
        search.goto("/search/?q=boudins")
        if search.get_by_role("link", name=TITLE).count():
            break
        search.wait_for_timeout(250)
    expect(search.get_by_role("link", name=TITLE)).to_be_visible()
    expect(search.locator("main mark").first).to_be_visible()
    assert_accessible(search)


def test_a_rejected_tip_stays_unpublished_and_the_author_learns_why(
    new_context, live_town, live_neighbourhood, asgi_server
):
    make_tip_index(live_town)
    resident = make_member(live_town, neighbourhood=live_neighbourhood)
    moderator = make_staff(live_town, roles.MODERATOR)
    tip = propose_tip(new_context().new_page(), asgi_server, resident.user.email)

    page = new_context().new_page()
    review(page, asgi_server, moderator.email, tip, "reject", "Ajoutez le coût.")
    for _ in range(50):
        if Notification.objects.filter(recipient=resident.user).exists():
            break
        page.wait_for_timeout(100)
    note = Notification.objects.get(recipient=resident.user)
    assert note.verb == "tip_rejected"
    assert "Ajoutez le coût." in note.description
    tip.refresh_from_db()
    assert tip.live is False
    assert page.goto(f"/astuces/{tip.slug}/").status == 404


def test_tip_comments_work_without_javascript_and_arrive_live(
    new_context, live_town, live_neighbourhood, asgi_server
):
    from tests.browser.test_feeds import OPEN_SOCKETS, TRACK_SOCKETS
    from tests.tips.helpers import make_tip

    index = make_tip_index(live_town)
    author = make_member(live_town, neighbourhood=live_neighbourhood,
                         display_name="Zoé L.")  # fmt: skip
    reader = make_member(live_town, neighbourhood=live_neighbourhood,
                         display_name="Paul M.")  # fmt: skip
    tip = make_tip(index, "Un mousseur sur chaque robinet", author=author)

    # Without JavaScript: the first comment opens the discussion.
    page = new_context(java_script_enabled=False).new_page()
    login(page, asgi_server, reader.user.email, PASSWORD)
    page.goto(tip.url)
    page.get_by_label("Votre commentaire").fill("Posé en cinq minutes")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".comment", has_text="Posé en cinq minutes")).to_be_visible()
    assert_accessible(page)

    # With JavaScript, the author's page receives the next comment live.
    context = new_context()
    context.add_init_script(TRACK_SOCKETS)
    live = context.new_page()
    login(live, asgi_server, author.user.email, PASSWORD)
    live.goto(tip.url)
    live.wait_for_function(f"() => ({OPEN_SOCKETS})() > 0")
    live.evaluate("() => { window.__notReloaded = true; }")
    page.get_by_label("Votre commentaire").fill("Et l'eau coule moins fort")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(
        live.locator(".comment", has_text="Et l'eau coule moins fort")
    ).to_be_visible()
    assert live.evaluate("() => window.__notReloaded === true")
    assert Notification.objects.filter(recipient=author.user, verb="reply").count() == 2
