"""Moderation in a real browser: a member reports a post, a moderator opens the
queue in the Wagtail admin and hides it, and the post disappears live from
another member's open feed page (no reload)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from community import roles
from feeds import actions
from feeds.models import ContentState, Post, PostTarget
from moderation.models import ReportGroup
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BODY = "Achetez mes montres de luxe à prix cassé"


def _open_live_feed(new_context, asgi_server, member, neighbourhood) -> Page:
    context = new_context()
    # Remembers every websocket the page opens, to know when it is live.
    context.add_init_script(
        "(() => { const N = window.WebSocket; window.__sockets = [];"
        " window.WebSocket = class extends N { constructor(...a) { super(...a);"
        " window.__sockets.push(this); } }; })();"
    )
    page = context.new_page()
    login(page, asgi_server, member.user.email, PASSWORD)
    page.goto(f"/quartiers/{neighbourhood.slug}/")
    page.wait_for_function(
        "() => (window.__sockets || []).filter(s => s.readyState === 1).length > 0"
    )
    page.evaluate("() => { window.__notReloaded = true; }")
    return page


def test_a_reported_post_hidden_in_the_admin_disappears_live(
    new_context, asgi_server, live_town, live_neighbourhood
):
    author = make_member(
        live_town,
        neighbourhood=live_neighbourhood,
        email="vendeur@example.org",
        display_name="Vendeur X.",
    )
    reporter = make_member(
        live_town,
        neighbourhood=live_neighbourhood,
        email="claire@example.org",
        display_name="Claire D.",
    )
    reader = make_member(
        live_town,
        neighbourhood=live_neighbourhood,
        email="lucas@example.org",
        display_name="Lucas P.",
    )
    moderator = make_staff(live_town, roles.MODERATOR, email="moderation@example.org")
    post = actions.check_create_post(
        author,
        body=BODY,
        client_key="montres",
        target=PostTarget.NEIGHBOURHOOD,
        neighbourhood_id=live_neighbourhood.pk,
    )

    reader_page = _open_live_feed(new_context, asgi_server, reader, live_neighbourhood)
    expect(reader_page.locator(f"#post-{post.pk}")).to_be_visible()

    # The member reports the post from the feed, through the report page.
    reporter_page = new_context().new_page()
    login(reporter_page, asgi_server, reporter.user.email, PASSWORD)
    reporter_page.goto(f"/quartiers/{live_neighbourhood.slug}/")
    reporter_page.locator(f"#post-{post.pk}").get_by_role(
        "link", name="Signaler"
    ).click()
    expect(reporter_page.get_by_role("heading", level=1)).to_contain_text("Signaler")
    assert_accessible(reporter_page)
    reporter_page.get_by_label("Spam ou publicité").check()
    with reporter_page.expect_navigation():
        reporter_page.get_by_role("button", name="Envoyer le signalement").click()
    expect(
        reporter_page.get_by_text("votre signalement a été transmis")
    ).to_be_visible()
    group = ReportGroup.objects.get(kind="post", object_id=post.pk)
    assert group.report_count == 1

    # The moderator opens the queue in the admin, then the case, and hides it.
    admin = new_context().new_page()
    admin.goto(f"{asgi_server}/admin/login/")
    admin.locator("input[name=username]").fill(moderator.email)
    admin.locator("input[name=password]").fill(PASSWORD)
    with admin.expect_navigation():
        admin.locator("form button[type=submit]").first.click()
    admin.goto(reverse("moderation_reportgroup:list"))
    expect(admin.get_by_text(BODY[:40]).first).to_be_visible()
    admin.goto(reverse("moderation_reportgroup:inspect", args=[group.pk]))
    expect(admin.get_by_text("Claire D.")).to_be_visible()
    admin.get_by_label("Motif (envoyé à l'auteur et inscrit au journal)").fill(
        "Publicité commerciale"
    )
    with admin.expect_navigation():
        admin.get_by_role("button", name="Masquer", exact=True).click()
    expect(admin.get_by_text("Décision enregistrée")).to_be_visible()

    # The reader's open page loses the post without a reload.
    expect(reader_page.locator(f"#post-{post.pk}")).to_have_count(0)
    assert reader_page.evaluate("() => window.__notReloaded === true")
    assert Post.objects.get(pk=post.pk).state == ContentState.HIDDEN
