"""Web push in a real browser: the preferences page's button (permission granted
by the context), the subscription registered through our endpoint, a direct
message pushed through the local emulator (VAPID checked, payload decrypted),
that payload delivered to the site's service worker over CDP and the shown
notification read back; axe on the preferences and devices pages.

Chromium's real pushManager.subscribe needs Google's push service, unreachable
here: an init script makes the page's pushManager return the emulator's
subscription (docs/push.md). The push is delivered to the site's own worker
(/sw.js, registered by every page: pwa), which loads static/push/sw-push.js.
"""

import json
import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from feeds import actions
from push.models import PushDevice, PushPreference
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member
from tests.support.push_emulator import PushEmulator, emulator_for_tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before the page's scripts: pushManager answers with the emulator's
# subscription, and remembers the application server key it was given.
FAKE_PUSH_MANAGER = """
(() => {
  const sub = %s;
  const fake = {
    endpoint: sub.endpoint,
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
  };
  PushManager.prototype.getSubscription = async function () {
    return window.__pushKey ? fake : null;
  };
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__pushKey = btoa(String.fromCharCode(...key));
    return fake;
  };
})();
"""
# Counts the page's requests for the notification permission.
COUNT_PERMISSION_REQUESTS = """
(() => {
  const ask = Notification.requestPermission.bind(Notification);
  window.__permissionRequests = 0;
  Notification.requestPermission = (...args) => {
    window.__permissionRequests += 1;
    return ask(...args);
  };
})();
"""
PERMISSION_REQUESTS = "() => window.__permissionRequests"
# The site's worker (/sw.js at the root scope), once active.
WORKER_SCOPE = """
async () => {
  const registration = await navigator.serviceWorker.ready;
  return [registration.scope, registration.active.scriptURL];
}
"""
SHOWN = """
async (scope) => {
  const registration = await navigator.serviceWorker.getRegistration(scope);
  const shown = await registration.getNotifications();
  return shown.map((n) => (
    { title: n.title, body: n.body, url: n.data.url, tag: n.tag }));
}
"""


@pytest.fixture(scope="module")
def push_emulator() -> Iterator[PushEmulator]:
    with emulator_for_tests() as emulator:
        yield emulator


def test_a_member_turns_push_on_and_a_message_is_shown(
    new_context, asgi_server, live_town, live_neighbourhood, push_emulator
):
    anne = make_member(
        live_town, neighbourhood=live_neighbourhood, display_name="Anne B."
    )
    bruno = make_member(
        live_town, neighbourhood=live_neighbourhood, display_name="Bruno C."
    )
    subscription = push_emulator.subscribe()
    context = new_context()
    context.grant_permissions(["notifications"])
    context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscription))
    context.add_init_script(COUNT_PERMISSION_REQUESTS)
    page = context.new_page()
    login(page, asgi_server, bruno.user.email, PASSWORD)
    page.goto("/notifications/preferences/")
    scope, script = page.evaluate(WORKER_SCOPE)
    # The site's own worker at the root scope receives the pushes.
    assert scope == asgi_server.rstrip("/") + "/"
    assert script == asgi_server.rstrip("/") + "/sw.js"
    button = page.get_by_role(
        "button", name="Activer les notifications sur cet appareil"
    )
    expect(button).to_be_visible()
    assert_accessible(page)
    # The browser's permission is asked only after the click, once.
    assert page.evaluate(PERMISSION_REQUESTS) == 0
    button.click()
    expect(page.locator("[data-push-status]")).to_have_text(
        "Les notifications sont activées sur cet appareil."
    )
    assert page.evaluate(PERMISSION_REQUESTS) == 1
    device = PushDevice.objects.get(member=bruno)
    assert device.endpoint == subscription["endpoint"]
    assert device.browser.startswith("Chrom")
    # The page gave the browser our VAPID public key.
    given = page.evaluate("() => window.__pushKey")
    assert (
        given.replace("+", "-").replace("/", "_").rstrip("=")
        == (settings.SMARTCITIZEN["VAPID_PUBLIC_KEY"])
    )

    room = actions.get_or_create_direct_room(anne, bruno)
    actions.check_send_message(anne, room, body="Rendez-vous à 18 h", client_key="k1")
    [received] = push_emulator.messages(subscription["clientHash"])
    payload = json.loads(received)
    assert payload["title"] == "Nouveau message de Anne B."
    assert payload["body"] == ""

    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not any(r["scopeURL"] == scope for r in registrations):
        assert time.monotonic() < deadline, registrations
        # Playwright hands events over while it runs a call: wait through it.
        page.wait_for_timeout(50)
    registration_id = next(
        r["registrationId"] for r in registrations if r["scopeURL"] == scope
    )
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": asgi_server, "registrationId": registration_id, "data": received},
    )
    # Its own wait: on a loaded CI machine (two workers and Chromium) the
    # worker's start and the notification took more than the 5 s left over
    # from the registration's wait.
    shown: list = []
    deadline = time.monotonic() + 20
    while not shown:
        assert time.monotonic() < deadline, "no notification shown"
        shown = page.evaluate(SHOWN, scope)
        page.wait_for_timeout(50)
    assert shown == [
        {
            "title": "Nouveau message de Anne B.",
            "body": "",
            "url": payload["url"],
            "tag": payload["tag"],
        }
    ]
    assert payload["url"] == f"/messages/{room.pk}/"

    page.goto("/notifications/appareils/")
    expect(page.get_by_role("button", name="Retirer Chrome sur Linux")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Retirer Chrome sur Linux").click()
    expect(
        page.get_by_text("Aucun appareil ne reçoit vos notifications push.")
    ).to_be_visible()
    assert not PushDevice.objects.exists()

    # Without JavaScript: a sentence, no button; the preferences form still works.
    bare = new_context(java_script_enabled=False).new_page()
    login(bare, asgi_server, bruno.user.email, PASSWORD)
    bare.goto("/notifications/preferences/")
    expect(bare.locator(".push-settings .notice")).to_contain_text(
        "Activer les notifications push sur un appareil demande JavaScript"
    )
    expect(
        bare.get_by_role("button", name="Activer les notifications sur cet appareil")
    ).to_be_hidden()
    bare.get_by_label("Défis et badges").uncheck()
    bare.get_by_role("button", name="Enregistrer les notifications push").click()
    expect(bare.get_by_text("Vos préférences push sont enregistrées.")).to_be_visible()
    assert not PushPreference.objects.get(member=bruno).challenge
