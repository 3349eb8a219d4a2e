"""The installable app in a real browser (docs/pwa.md): install criteria, a
page read before opens offline with the « hors ligne » banner, a post written
offline waits « en attente » (even across a closed tab) and is stored once when
the connection returns, and logging out leaves no page of the member on the
device. axe runs on the offline page and on the feed with a pending post."""

import re

import pytest

from feeds import actions
from feeds.models import ChatMessage, Comment, Post, PostTarget
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WRITTEN_OFFLINE = "Écrit dans le bus, sans réseau"
# The service worker installs (fetching what it keeps) before it controls the
# page: under the suite's own load it once took more than Playwright's 10 s.
WORKER_WAIT_MS = 30_000
CONTROLLED = "() => navigator.serviceWorker.controller !== null"
# Every page kept by the worker, with the account it was read by.
KEPT_PAGES = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("sc-pages-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      kept.push([new URL(request.url).pathname, response.headers.get("X-Account-Id")]);
    }
  }
  return kept;
}"""

# Puts a sent item back in the outbox, as a second tab still holding it would,
# and sends it again; answers how many items are left.
RESEND = """async (item) => {
  const form = new FormData();
  for (const [name, value] of item.fields) form.append(name, value);
  await Outbox.add(item.account, item.action, form);
  const csrf = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  await Outbox.flush(item.account, csrf.slice(10), "/compte/connexion/");
  return (await Outbox.all()).length;
}"""


@pytest.fixture
def anne(live_town, live_neighbourhood):
    return make_member(live_town, neighbourhood=live_neighbourhood, email="a@b.org")


def test_the_site_is_installable(page, asgi_server, live_town):
    page.goto("/")

    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.evaluate("async (href) => (await fetch(href)).json()", href)
    assert manifest["name"] == "Val-Test — Smart Citizen"
    assert manifest["display"] == "standalone"
    assert manifest["scope"] == "/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        status = page.evaluate("async (src) => (await fetch(src)).status", icon["src"])
        assert status == 200, icon["src"]
    page.wait_for_function(CONTROLLED, timeout=WORKER_WAIT_MS)
    state = page.evaluate(
        "async () => (await navigator.serviceWorker.ready).active.state"
    )
    assert state == "activated"
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith(
        "/sw.js"
    )


def test_offline_reading_posting_and_logout(
    new_context, asgi_server, live_neighbourhood, anne
):
    context = new_context()
    page = context.new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    feed = f"/quartiers/{live_neighbourhood.slug}/"
    page.goto(feed)
    page.wait_for_function(CONTROLLED, timeout=WORKER_WAIT_MS)
    # Online under the worker, the form goes as it always did.
    page.get_by_label("Votre message").fill("Posté en ligne")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier").click()
    expect(page.locator("article.post", has_text="Posté en ligne")).to_be_visible()
    # Read once more under the worker: this copy is kept.
    page.goto(feed)
    expect(page.locator("[data-offline-banner]")).to_be_hidden()
    assert [feed, str(anne.user.pk)] in page.evaluate(KEPT_PAGES)

    # Offline, the page read before opens, with the banner.
    context.set_offline(True)
    page.goto(feed)
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Hors ligne")
    expect(page.get_by_role("heading", level=1)).to_have_text(live_neighbourhood.name)

    # A page never read gives the offline page, which lists the pages kept.
    page.goto("/astuces/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    kept_link = page.locator("[data-kept-pages] a", has_text=live_neighbourhood.name)
    expect(kept_link).to_have_attribute("href", re.compile(f"{feed}$"))
    page.goto(feed)

    # A post written offline waits, « en attente », and survives a closed tab.
    page.get_by_label("Votre message").fill(WRITTEN_OFFLINE)
    page.get_by_role("button", name="Publier").click()
    pending = page.locator(".outbox-item", has_text="Écrit dans le bus")
    expect(pending).to_contain_text("En attente")
    expect(page.get_by_label("Votre message")).to_have_value("")
    assert_accessible(page)
    page.close()
    page = context.new_page()
    page.goto(feed)
    pending = page.locator(".outbox-item", has_text="Écrit dans le bus")
    expect(pending).to_contain_text("En attente")
    assert not Post.objects.filter(body=WRITTEN_OFFLINE).exists()
    [stored] = page.evaluate("async () => Outbox.all()")

    # Back online: sent once, shown.
    context.set_offline(False)
    expect(pending).to_contain_text("Envoyé")
    expect(page.locator("article.post", has_text="Écrit dans le bus")).to_be_visible()
    assert Post.objects.filter(body=WRITTEN_OFFLINE).count() == 1
    # The same item sent again (another tab, Background Sync) adds nothing.
    left = page.evaluate(RESEND, stored)
    assert left == 0
    assert Post.objects.filter(body=WRITTEN_OFFLINE).count() == 1

    # Logout: none of Anne's pages stays on the phone.
    with page.expect_navigation():
        # By keyboard: on this wide page the inline form covers the button's
        # middle for Playwright's hit test.
        page.get_by_role("button", name="Se déconnecter").press("Enter")
    kept = page.evaluate(KEPT_PAGES)
    assert all(account != str(anne.user.pk) for _, account in kept), kept
    context.set_offline(True)
    page.goto(feed)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    expect(page.get_by_text("Écrit dans le bus")).to_have_count(0)
    assert_accessible(page)


def test_another_member_never_gets_a_kept_page(
    new_context, asgi_server, live_town, live_neighbourhood, anne
):
    """A shared phone where Anne's session ended without a logout: once Paul
    signs in, Anne's kept feed is gone and offline he gets the offline page."""
    paul = make_member(
        live_town, neighbourhood=live_neighbourhood, email="paul@example.org"
    )
    context = new_context()
    page = context.new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto("/fil/")
    page.wait_for_function(CONTROLLED, timeout=WORKER_WAIT_MS)
    page.reload()
    assert ["/fil/", str(anne.user.pk)] in page.evaluate(KEPT_PAGES)

    context.clear_cookies()
    login(page, asgi_server, paul.user.email, PASSWORD)
    kept = page.evaluate(KEPT_PAGES)
    assert all(account == str(paul.user.pk) for _, account in kept), kept

    context.set_offline(True)
    page.goto("/fil/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")


def test_a_comment_lost_on_the_way_is_kept_by_the_worker(
    new_context, asgi_server, live_neighbourhood, anne
):
    """The phone thinks it is online but the send fails (a dead zone): the
    worker keeps the comment, brings the member back to the post, where it
    waits « en attente », and it is sent on the next page load. One the
    server refuses stays « Non publié » with its reason until removed."""
    post = actions.check_create_post(
        anne,
        body="Qui a un escabeau ?",
        client_key="escabeau",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=live_neighbourhood.pk,
    )
    context = new_context()
    page = context.new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(f"/publications/{post.pk}/")
    page.wait_for_function(CONTROLLED, timeout=WORKER_WAIT_MS)
    page.reload()

    context.route("**/commenter/", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Votre commentaire").fill("Moi, au 12")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".outbox-item", has_text="Moi, au 12")).to_contain_text(
        "En attente"
    )
    assert not Comment.objects.filter(post=post).exists()

    context.unroute("**/commenter/")
    page.reload()
    expect(page.locator(".outbox-item", has_text="Moi, au 12")).to_contain_text(
        "Envoyé"
    )
    assert Comment.objects.filter(post=post, body="Moi, au 12").count() == 1

    # Refused by the server when it comes back (only spaces): kept, with the
    # server's reason, until the member removes it.
    context.set_offline(True)
    page.get_by_label("Votre commentaire").fill("   ")
    page.get_by_role("button", name="Envoyer").click()
    refused = page.locator(".outbox-item", has=page.locator(".outbox-state"))
    expect(refused.filter(has_text="En attente")).to_have_count(1)
    context.set_offline(False)
    refused = refused.filter(has_text="Non publié")
    expect(refused.locator(".outbox-error")).to_contain_text("Champ requis")
    refused.get_by_role("button", name="Retirer").click()
    expect(refused).to_have_count(0)
    assert Comment.objects.filter(post=post).count() == 1


def test_a_chat_message_written_offline_is_sent_once(
    new_context, asgi_server, live_neighbourhood, anne
):
    """The chat room is never kept offline (other people's words), but a
    message written in it while the phone is offline waits « en attente » and
    is stored once when the connection returns."""
    room = actions.get_or_create_neighbourhood_room(live_neighbourhood)
    context = new_context()
    page = context.new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    page.goto(f"/messages/{room.pk}/")
    page.wait_for_function(CONTROLLED, timeout=WORKER_WAIT_MS)
    assert not any(
        path.startswith("/messages/") for path, _ in page.evaluate(KEPT_PAGES)
    )

    context.set_offline(True)
    page.get_by_label("Votre message").fill("J'arrive dans dix minutes")
    page.get_by_role("button", name="Envoyer").click()
    pending = page.locator(".outbox-item", has_text="J'arrive dans dix minutes")
    expect(pending).to_contain_text("En attente")
    expect(page.get_by_label("Votre message")).to_have_value("")
    assert not ChatMessage.objects.filter(room=room).exists()
    assert_accessible(page)

    context.set_offline(False)
    expect(pending).to_contain_text("Envoyé")
    assert (
        ChatMessage.objects.filter(room=room, body="J'arrive dans dix minutes").count()
        == 1
    )
    page.reload()
    expect(page.locator(".message-item", has_text="J'arrive dans dix")).to_have_count(1)


def test_the_site_works_without_a_service_worker(
    new_context, asgi_server, live_neighbourhood, anne
):
    """A browser that allows no service worker (a private window, a policy):
    pages, posting and logging out work as before, and a post written offline
    still waits in the outbox and goes once when the connection returns."""
    context = new_context(service_workers="block")
    page = context.new_page()
    login(page, asgi_server, anne.user.email, PASSWORD)
    feed = f"/quartiers/{live_neighbourhood.slug}/"
    page.goto(feed)
    assert page.evaluate("() => navigator.serviceWorker.controller") is None
    page.get_by_label("Votre message").fill("Sans service worker")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier").click()
    expect(page.locator("article.post", has_text="Sans service worker")).to_be_visible()

    context.set_offline(True)
    page.get_by_label("Votre message").fill(WRITTEN_OFFLINE)
    page.get_by_role("button", name="Publier").click()
    pending = page.locator(".outbox-item", has_text="Écrit dans le bus")
    expect(pending).to_contain_text("En attente")
    context.set_offline(False)
    expect(pending).to_contain_text("Envoyé")
    assert Post.objects.filter(body=WRITTEN_OFFLINE).count() == 1
    assert page.evaluate("() => navigator.serviceWorker.controller") is None

    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
