"""Feeds in a real browser: a post appears live in another member's page, the
connection is cut and restored and the post made meanwhile appears, and the feed
page passes axe-core."""

import pytest
from playwright.sync_api import Page

from feeds import actions
from feeds.models import PostTarget
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before any script of the page: remembers every websocket the page opens,
# so that the test can cut them as a lost network would.
TRACK_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();
"""
OPEN_SOCKETS = "() => (window.__sockets || []).filter(s => s.readyState === 1).length"


@pytest.fixture
def anne(live_town, live_neighbourhood):
    return make_member(
        live_town,
        neighbourhood=live_neighbourhood,
        email="anne@example.org",
        display_name="Anne B.",
    )


@pytest.fixture
def paul(live_town, live_neighbourhood):
    return make_member(
        live_town,
        neighbourhood=live_neighbourhood,
        email="paul@example.org",
        display_name="Paul M.",
    )


def _open_feed(new_context, asgi_server, member, neighbourhood) -> tuple:
    context = new_context()
    context.add_init_script(TRACK_SOCKETS)
    page = context.new_page()
    login(page, asgi_server, member.user.email, PASSWORD)
    page.goto(f"/quartiers/{neighbourhood.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(neighbourhood.name)
    # The page is live once live.js has its socket open.
    page.wait_for_function(f"() => ({OPEN_SOCKETS})() > 0")
    # A marker that a reload would wipe.
    page.evaluate("() => { window.__notReloaded = true; }")
    return context, page


def test_a_post_appears_live_in_another_members_feed(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    _, paul_page = _open_feed(new_context, asgi_server, paul, live_neighbourhood)
    _, anne_page = _open_feed(new_context, asgi_server, anne, live_neighbourhood)

    anne_page.get_by_label("Votre message").fill("Vide-grenier dimanche, rue des Lilas")
    with anne_page.expect_navigation():
        anne_page.get_by_role("button", name="Publier").click()
    expect(anne_page.locator(".post-body").first).to_have_text(
        "Vide-grenier dimanche, rue des Lilas"
    )

    post = paul_page.locator("article.post", has_text="Vide-grenier dimanche")
    expect(post).to_be_visible()
    expect(post.locator(".post-author")).to_have_text("Anne B.")
    # Anne's edit and delete controls are hers only.
    expect(post.locator("[data-owner-only]")).to_have_count(0)
    assert paul_page.evaluate("() => window.__notReloaded === true")


def test_one_live_copy_gets_each_viewers_controls_from_the_page(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    """The same frame on the author's page and a reader's: feeds.js keeps edit
    and delete for the author, the report link for the reader."""
    _, anne_page = _open_feed(new_context, asgi_server, anne, live_neighbourhood)
    _, paul_page = _open_feed(new_context, asgi_server, paul, live_neighbourhood)
    actions.check_create_post(
        anne,
        body="Atelier réparation samedi",
        client_key="atelier",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=live_neighbourhood.pk,
    )
    mine = anne_page.locator("article.post", has_text="Atelier réparation")
    theirs = paul_page.locator("article.post", has_text="Atelier réparation")
    expect(mine).to_be_visible()
    expect(theirs).to_be_visible()
    expect(mine.get_by_role("link", name="Modifier")).to_be_visible()
    expect(mine.locator("[data-others-only]")).to_have_count(0)
    expect(theirs.locator("[data-owner-only]")).to_have_count(0)
    expect(theirs.locator(".report-link")).to_have_count(1)


def test_a_post_made_while_the_connection_was_cut_appears_on_return(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    context, page = _open_feed(new_context, asgi_server, paul, live_neighbourhood)

    context.set_offline(True)
    page.evaluate("() => window.__sockets.forEach(socket => socket.close())")
    page.wait_for_function(f"() => ({OPEN_SOCKETS})() === 0")
    actions.check_create_post(
        anne,
        body="Publié pendant la coupure",
        client_key="pendant-la-coupure",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=live_neighbourhood.pk,
    )
    page.wait_for_timeout(500)
    expect(page.get_by_text("Publié pendant la coupure")).to_have_count(0)

    context.set_offline(False)
    expect(page.get_by_text("Publié pendant la coupure")).to_be_visible()
    assert page.evaluate("() => window.__notReloaded === true")
    expect(page.locator("article.post")).to_have_count(1)


def test_the_feed_page_passes_axe(
    page: Page, asgi_server, live_neighbourhood, anne, paul
):
    post = actions.check_create_post(
        paul,
        body="Atelier compost samedi, inscriptions https://example.org @Anne B.",
        client_key="axe-1",
        content_warning="Photos de vers de terre",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=live_neighbourhood.pk,
    )
    actions.do_react(anne, post, "merci")
    actions.check_add_comment(anne, post, body="J'y serai", client_key="axe-2")
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(f"/quartiers/{live_neighbourhood.slug}/")
    expect(page.locator("article.post")).to_have_count(1)
    assert_accessible(page)
    page.goto(f"/publications/{post.pk}/")
    expect(page.get_by_role("heading", name="Commentaires")).to_be_visible()
    assert_accessible(page)
    page.goto("/fil/commune/")
    assert_accessible(page)
    page.goto("/notifications/")
    expect(page.get_by_text("Paul M.")).to_be_visible()
    assert_accessible(page)


def test_the_chat_room_is_live_and_passes_axe(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    room = actions.get_or_create_neighbourhood_room(live_neighbourhood)
    context = new_context()
    context.add_init_script(TRACK_SOCKETS)
    page = context.new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto("/messages/")
    page.get_by_role(
        "link", name=f"Salon du quartier {live_neighbourhood.name}"
    ).click()
    page.wait_for_function(f"() => ({OPEN_SOCKETS})() > 0")
    actions.check_send_message(
        paul, room, body="Quelqu'un a une échelle ?", client_key="echelle"
    )
    expect(page.locator(".message-item", has_text="une échelle")).to_be_visible()
    page.get_by_label("Votre message").fill("Oui, je l'apporte")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".message-item")).to_have_count(2)
    assert_accessible(page)


def test_a_muted_members_live_post_is_not_shown(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    zoe = make_member(
        anne.town,
        neighbourhood=live_neighbourhood,
        email="zoe@example.org",
        display_name="Zoé L.",
    )
    actions.do_mute(paul, anne)
    _, page = _open_feed(new_context, asgi_server, paul, live_neighbourhood)
    for author, body in ((anne, "De la part d'Anne"), (zoe, "De la part de Zoé")):
        actions.check_create_post(
            author,
            body=body,
            client_key=body,
            target=PostTarget.NEIGHBOURHOOD,
            neighbourhood_id=live_neighbourhood.pk,
        )
    expect(page.get_by_text("De la part de Zoé")).to_be_visible()
    expect(page.get_by_text("De la part d'Anne")).to_have_count(0)


def test_mon_fil_shows_live_the_posts_of_whom_one_follows(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    zoe = make_member(
        anne.town,
        neighbourhood=live_neighbourhood,
        email="zoe@example.org",
        display_name="Zoé L.",
    )
    actions.do_follow(paul, "member", anne.pk)
    context = new_context()
    context.add_init_script(TRACK_SOCKETS)
    page = context.new_page()
    login(page, asgi_server, paul.user.email, PASSWORD)
    page.goto("/fil/")
    page.wait_for_function(f"() => ({OPEN_SOCKETS})() > 0")
    # Zoé first: once Anne's later post of the same stream is shown, Zoé's was
    # received too, and left out because Paul does not follow her.
    for author, body in ((zoe, "Zoé à toute la commune"), (anne, "Anne à ses abonnés")):
        actions.check_create_post(author, body=body, client_key=body)
    expect(page.get_by_text("Anne à ses abonnés")).to_be_visible()
    expect(page.get_by_text("Zoé à toute la commune")).to_have_count(0)


def test_posting_commenting_and_reacting_work_without_javascript(
    new_context, asgi_server, live_neighbourhood, anne, paul
):
    page = new_context(java_script_enabled=False).new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto("/fil/commune/")
    page.get_by_label("Votre message").fill("Sans JavaScript, ça marche")
    page.get_by_label("Publier dans").select_option(label=live_neighbourhood.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Publier").click()
    post = page.locator("article.post", has_text="Sans JavaScript")
    expect(post).to_be_visible()
    with page.expect_navigation():
        post.get_by_role("button", name="Bravo").click()
    expect(
        page.locator("article.post").first.get_by_role("button", name="Bravo")
    ).to_have_attribute("aria-pressed", "true")
    with page.expect_navigation():
        page.locator("article.post").first.get_by_role(
            "link", name="0 commentaire"
        ).click()
    page.get_by_label("Votre commentaire").fill("Et les commentaires aussi")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(
        page.locator(".comment", has_text="Et les commentaires aussi")
    ).to_be_visible()
    # An empty comment is refused with a message (the browser's maxlength
    # already stops an over-long one).
    page.get_by_label("Votre commentaire").fill("   ")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire n'a pas")
    expect(page.locator(".comment")).to_have_count(1)
