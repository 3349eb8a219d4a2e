"""The browser-test set-up itself: axe finds real violations, also under a strict
Content-Security-Policy, and the server is the real ASGI application with its
websocket, fed by events the test's own thread publishes."""

import pytest
from django.db import transaction
from playwright.sync_api import Page

from realtime.groups import TOWN, stream_name
from realtime.publish import publish
from tests.browser.support import axe_check, expect, login
from tests.factories import PASSWORD, make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BAD_PAGE = """<!doctype html><html><head><title>Mauvaise page</title></head>
<body><main><h1>Mauvaise page</h1><img src="/photo.png">
<p style="color:#bbb;background:#fff">Texte pâle</p></main></body></html>"""


def test_axe_reports_real_violations_under_a_strict_csp(page: Page, asgi_server):
    page.route(
        f"{asgi_server}/mauvaise-page/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body=BAD_PAGE,
        ),
    )
    page.goto("/mauvaise-page/")

    found = {violation["id"]: violation["impact"] for violation in axe_check(page)}

    assert found["image-alt"] == "critical"
    assert found["color-contrast"] == "serious"
    assert "html-has-lang" in found


def test_a_page_gets_events_the_test_publishes_over_the_websocket(
    page: Page, asgi_server, live_neighbourhood
):
    town = live_neighbourhood.town
    member = make_member(town, neighbourhood=live_neighbourhood)
    login(page, asgi_server, member.user.email, PASSWORD)
    stream = stream_name(TOWN, town.pk)
    page.evaluate(
        """stream => new Promise((resolve, reject) => {
            const socket = new WebSocket(`ws://${location.host}/ws/`);
            window.frames_received = [];
            socket.onmessage = message => {
                const frame = JSON.parse(message.data);
                window.frames_received.push(frame);
                // Frames are handled in order: the error answering the unknown
                // op proves the subscribe done.
                if (frame.op === "error") resolve();
            };
            socket.onerror = reject;
            socket.onopen = () => {
                socket.send(JSON.stringify({op: "subscribe", stream, since: null}));
                socket.send(JSON.stringify({op: "ping"}));
            };
        })""",
        stream,
    )

    with transaction.atomic():
        event = publish(stream, "test.created", {"texte": "Bonjour"})

    page.wait_for_function(
        "id => window.frames_received.some(frame => frame.id === id)", arg=event.pk
    )
    frames = page.evaluate("window.frames_received")
    live = [frame for frame in frames if frame.get("id") == event.pk]
    assert live == [
        {
            "stream": stream,
            "id": event.pk,
            "event": "test.created",
            "data": {"texte": "Bonjour"},
        }
    ]
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
