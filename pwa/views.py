"""The installable app's three endpoints (docs/pwa.md): the web app manifest,
the service worker at the root scope, and the offline page it falls back to."""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from community.towns import town_for_request

# The site's palette (static/css/site.css): --color-brand for the browser's
# bars, --color-bg behind the splash screen.
THEME_COLOR = "#11603b"
BACKGROUND_COLOR = "#f6f7f3"
# Bumped by hand when sw.js changes in a way its assets' hashes do not show
# (the version also covers every precached file's content, see _shell_version).
SW_REVISION = "1"
# The app shell, precached when the worker installs (static paths).
SHELL_STATIC = [
    "css/site.css",
    "css/feeds.css",
    "js/live.js",
    "pwa/app.js",
    "pwa/outbox.js",
    "pwa/icon-192.png",
    "pwa/badge-96.png",
    "favicon.svg",
]
# The push handlers (h2's file): imported by the worker, never inlined here.
PUSH_SCRIPT = "push/sw-push.js"
# How many pages a member last read stay readable offline.
PAGES_KEPT = 30
# Paths the worker never stores, whoever asks: accounts, the admin, a member's
# data and messages, the notifications, the websocket and the APIs.
NEVER_CACHED_PREFIXES = [
    "/admin/",
    "/compte/",
    "/mes-donnees/",
    "/messages/",
    "/notifications/",
    "/foyer/",
    "/ws/",
    "/api/",
    "/search/",
    "/healthz",
    "/sw.js",
    "/manifest.webmanifest",
    # The offline page is precached on its own: not listed among read pages.
    "/hors-ligne/",
]
# The forms whose failed sends the worker keeps for later (by URL name, with a
# sample id): the feed's post form, the comment form, the chat message form.
QUEUED_FORMS = [("feeds:create", None), ("feeds:comment", 1), ("feeds:room", 1)]


def queued_form_patterns() -> list[str]:
    """The forms' paths as anchored regular expressions (ids as \\d+)."""
    patterns = []
    for name, sample in QUEUED_FORMS:
        path = reverse(name, args=[] if sample is None else [sample])
        if sample is not None:
            path = path.replace(f"/{sample}/", "/__id__/")
        patterns.append("^" + re.escape(path).replace("__id__", r"\d+") + "$")
    return patterns


def _town_name(request: HttpRequest) -> str:
    town = town_for_request(request)
    return town.title if town is not None else "Smart Citizen"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, named after the request's town."""
    town = _town_name(request)
    data = {
        "id": "/",
        "name": f"{town} — Smart Citizen" if town != "Smart Citizen" else town,
        "short_name": town,
        "description": _(
            "La plateforme des habitants : astuces, défis, fil du quartier et "
            "messages, même hors connexion."
        ),
        "lang": get_language() or "fr",
        "dir": "ltr",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {
                "src": static("pwa/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("pwa/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": static("pwa/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )
    # The same for everyone of the town: shared caches may keep it an hour.
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def _shell_version() -> str:
    """A digest of the precached files and the worker's revision: a new
    deployment that changes any of them installs a new worker and cache."""
    digest = hashlib.sha256(SW_REVISION.encode())
    for path in [*SHELL_STATIC, PUSH_SCRIPT]:
        digest.update(static(path).encode())
        found = finders.find(path)
        if found:
            digest.update(Path(found).read_bytes())
    for name in ("pwa/sw.js", "pwa/offline.html", "base.html"):
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that its scope is the site."""
    config = {
        "version": _shell_version(),
        "shell": [static(path) for path in SHELL_STATIC],
        "offline": reverse("pwa:offline"),
        "pagesKept": PAGES_KEPT,
        "neverCached": NEVER_CACHED_PREFIXES,
        "queued": queued_form_patterns(),
        "login": reverse("login"),
        "csrfCookie": settings.CSRF_COOKIE_NAME,
    }
    body = render_to_string(
        "pwa/sw.js",
        {
            "config": json.dumps(config),
            "push_script": static(PUSH_SCRIPT),
            "outbox_script": static("pwa/outbox.js"),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Checked at every navigation: a fixed worker reaches phones at once.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page shown offline for a page never read on this device."""
    return render(request, "pwa/offline.html")
