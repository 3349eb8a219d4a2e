"""The installable app's endpoints through HTTP: the manifest (named after the
request's town), the service worker (root scope, no-cache, push handlers
imported), the offline page, and the headers the worker relies on (the account
of a page, Clear-Site-Data on logout)."""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from feeds import actions
from feeds.models import ChatMessage, Comment, Post
from pwa.views import NEVER_CACHED_PREFIXES, queued_form_patterns
from tests.factories import make_town

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_after_the_town(client, town):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    assert "Set-Cookie" not in response.headers
    assert "private" not in response["Cache-Control"]
    manifest = json.loads(response.content)
    assert manifest["name"] == "Val-Test — Smart Citizen"
    assert manifest["short_name"] == "Val-Test"
    assert manifest["lang"] == "fr"
    assert manifest["start_url"].startswith("/")
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#11603b"
    assert manifest["background_color"] == "#f6f7f3"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code in (200, 404)


def test_each_town_gets_its_own_name(client, town, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "bourg.example.org"]
    make_town("Bourg-sur-Lac", hostname="bourg.example.org")

    manifest = client.get("/manifest.webmanifest", HTTP_HOST="bourg.example.org").json()

    assert manifest["short_name"] == "Bourg-sur-Lac"


def test_the_service_worker_is_served_from_the_root_uncached(client, town):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "Set-Cookie" not in response.headers
    body = response.content.decode()
    assert 'importScripts("/static/push/sw-push.js");' in body
    assert 'importScripts("/static/pwa/outbox.js");' in body
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", body).group(1))
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    assert "/static/css/site.css" in config["shell"]
    assert "/static/pwa/app.js" in config["shell"]
    assert config["offline"] == "/hors-ligne/"
    assert config["pagesKept"] == 30
    assert config["csrfCookie"] == django_settings.CSRF_COOKIE_NAME
    for private in ("/admin/", "/compte/", "/mes-donnees/", "/messages/"):
        assert private in config["neverCached"]
    # Precached on its own: never listed among the pages a member read.
    assert config["offline"] in config["neverCached"]


def test_the_outbox_forms_match_the_feed_urls():
    patterns = [re.compile(pattern) for pattern in queued_form_patterns()]
    paths = [
        reverse("feeds:create"),
        reverse("feeds:comment", args=[42]),
        reverse("feeds:room", args=[7]),
    ]
    for path in paths:
        assert any(pattern.match(path) for pattern in patterns), path
    assert not any(
        pattern.match(reverse("feeds:post", args=[42])) for pattern in patterns
    )
    assert not any(pattern.match(reverse("logout")) for pattern in patterns)
    # A room is a private page: its copy is never kept, only its form queued.
    assert reverse("feeds:room", args=[7]).startswith(tuple(NEVER_CACHED_PREFIXES))


def test_the_offline_page_is_french_with_its_banner_shown(client, town):
    response = client.get("/hors-ligne/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Vous êtes hors ligne</h1>" in html
    assert "data-offline-banner>" in html
    assert response["X-Account-Id"] == ""


def test_every_page_links_the_manifest_and_the_app(client, member):
    client.force_login(member.user)

    response = client.get(reverse("feeds:mine"))

    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#11603b">' in html
    assert "/static/pwa/apple-touch-icon.png" in html
    assert 'src="/static/pwa/app.js" defer data-sw="/sw.js"' in html
    assert f'<meta name="sc-account" content="{member.user.pk}">' in html
    assert "data-offline-banner hidden" in html
    assert 'class="form post-form" novalidate data-offline-queue' in html
    assert response["X-Account-Id"] == str(member.user.pk)


def test_logout_asks_the_browser_to_clear_its_cache(client, member):
    client.force_login(member.user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert "Clear-Site-Data" not in client.get("/").headers


def _outbox_forms(member, neighbourhood) -> list[tuple[str, dict, object]]:
    """Each form of the outbox: its URL, what the outbox sends, what it stores."""
    post = actions.check_create_post(
        member, body="Qui a un escabeau ?", client_key="escabeau", target="town"
    )
    room = actions.get_or_create_neighbourhood_room(neighbourhood)
    return [
        (
            reverse("feeds:create"),
            {"body": "Écrit hors ligne", "where": "town"},
            Post.objects.filter(body="Écrit hors ligne"),
        ),
        (
            reverse("feeds:comment", args=[post.pk]),
            {"body": "Moi, au 12"},
            Comment.objects.filter(body="Moi, au 12"),
        ),
        (
            reverse("feeds:room", args=[room.pk]),
            {"body": "J'arrive"},
            ChatMessage.objects.filter(body="J'arrive"),
        ),
    ]


def test_what_the_outbox_sends_again_is_stored_once(client, member, neighbourhood):
    """The outbox's tries of one item (same client key) store it once, and each
    try ends on the redirect the outbox takes as « sent »."""
    client.force_login(member.user)
    for url, fields, stored in _outbox_forms(member, neighbourhood):
        form = {**fields, "client_key": f"outbox-{url}"}
        first = client.post(url, form)
        second = client.post(url, form)

        assert first.status_code == second.status_code == 302, url
        assert first["Location"] == second["Location"]
        assert stored.count() == 1, url
