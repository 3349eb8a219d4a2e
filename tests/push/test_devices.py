"""Devices and push preferences through HTTP, payload privacy, the key command."""

import base64
import io
import json
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from py_vapid import Vapid02

from common import kinds
from config.vapid import local_key_pair
from push import payloads, personal_data
from push.models import PushDevice, PushPreference

P256DH = (
    base64.urlsafe_b64encode(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )
    .decode()
    .rstrip("=")
)
AUTH = base64.urlsafe_b64encode(b"\x02" * 16).decode().rstrip("=")
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


def subscription(endpoint: str = "https://push.example.net/send/abc", **keys) -> dict:
    return {"endpoint": endpoint, "keys": {"p256dh": P256DH, "auth": AUTH, **keys}}


def register(client: Client, body: dict | str) -> tuple[int, dict]:
    response = client.post(
        reverse("push:subscribe"),
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers={"User-Agent": PHONE},
    )
    return response.status_code, response.json()


def test_a_member_registers_a_device_once_per_endpoint(client, member, neighbour):
    client.force_login(member.user)
    status, answer = register(client, subscription())
    assert status == 201 and answer["device"]["browser"] == "Chrome sur Android"
    status, _answer = register(client, subscription())
    assert status == 200
    assert PushDevice.objects.get().member == member
    # The same browser signed in as someone else: the device moves to them.
    client.force_login(neighbour.user)
    assert register(client, subscription())[0] == 200
    assert PushDevice.objects.get().member == neighbour
    assert PushDevice.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (subscription("http://push.example.net/x"), "bad_endpoint"),
        (subscription("http://192.168.1.2:8090/notify/x"), "bad_endpoint"),
        (subscription("javascript:alert(1)"), "bad_endpoint"),
        (subscription("https://" + "a" * 2000 + ".example"), "bad_endpoint"),
        (subscription(p256dh="AAAA"), "bad_key"),
        (subscription(auth="pas du base64 !"), "bad_key"),
        ({"endpoint": "https://push.example.net/x"}, "bad_request"),
        ("{pas du json", "bad_request"),
        ([1, 2], "bad_request"),
    ],
)
def test_a_bad_subscription_is_refused_with_a_code(client, member, body, code):
    client.force_login(member.user)
    status, answer = register(client, body)
    assert (status, answer["error"]["code"]) == (400, code)
    assert answer["error"]["message"]
    assert not PushDevice.objects.exists()


def test_a_form_posted_to_the_json_door_is_refused_not_a_server_error(client, member):
    """The CSRF check reads a form's body first: the view must not read it again
    (it raised RawPostDataException, a 500; found by the cross-town matrix)."""
    client.force_login(member.user)
    for body in ({}, {"endpoint": "https://push.example.net/x"}):
        response = client.post(reverse("push:subscribe"), body)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"
    assert not PushDevice.objects.exists()


def test_registration_needs_a_member_csrf_and_post(client, member, settings):
    assert register(client, subscription())[0] == 403
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(member.user)
    url = reverse("push:subscribe")
    assert checked.get(url).status_code == 405
    refused = checked.post(
        url, json.dumps(subscription()), content_type="application/json"
    )
    assert refused.status_code == 403
    page = checked.get(reverse("feeds:notification_preferences")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    accepted = checked.post(
        url,
        json.dumps(subscription()),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "VAPID_PRIVATE_KEY": ""}
    client.force_login(member.user)
    status, answer = register(client, subscription("https://push.example.net/2"))
    assert (status, answer["error"]["code"]) == (404, "push_disabled")


def test_registration_is_rate_limited(client, member, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "PUSH_SUBSCRIBE_RATE": (2, 3600)}
    client.force_login(member.user)
    assert register(client, subscription())[0] == 201
    assert register(client, subscription())[0] == 200
    status, answer = register(client, subscription())
    assert (status, answer["error"]["code"]) == (429, "rate_limited")


def test_the_devices_page_lists_and_removes_without_javascript(
    client, member, neighbour, django_assert_max_num_queries
):
    client.force_login(member.user)
    for number in range(12):
        register(client, subscription(f"https://push.example.net/{number}"))
    other = PushDevice.objects.create(
        member=neighbour,
        endpoint="https://push.example.net/n",
        p256dh=P256DH,
        auth=AUTH,
    )
    with django_assert_max_num_queries(12):
        page = client.get(reverse("push:devices")).content.decode()
    assert page.count("Retirer Chrome sur Android") == 12
    device = PushDevice.objects.filter(member=member).first()
    response = client.post(reverse("push:remove_device", args=[device.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "push:devices"
    )
    assert PushDevice.objects.filter(member=member).count() == 11
    # Another member's device: 404, untouched; a GET removes nothing.
    assert (
        client.post(reverse("push:remove_device", args=[other.pk])).status_code == 404
    )
    assert client.get(reverse("push:remove_device", args=[other.pk])).status_code == 405
    assert PushDevice.objects.filter(pk=other.pk).exists()
    client.logout()
    assert client.get(reverse("push:devices")).status_code == 302


def test_the_preferences_page_offers_push_and_saves_kinds(client, member, settings):
    client.force_login(member.user)
    page = client.get(reverse("feeds:notification_preferences")).content.decode()
    assert "Activer les notifications sur cet appareil" in page
    assert settings.SMARTCITIZEN["VAPID_PUBLIC_KEY"] in page
    assert "push/push.js" in page and "<noscript>" in page
    # The button shows only once the script has checked push works here.
    assert "<p data-push-controls hidden>" in page
    response = client.post(
        reverse("push:preferences"),
        {"push-message": "on", "push-grid_alert": "on", "push-show_text": "on"},
    )
    assert response["Location"] == reverse("feeds:notification_preferences")
    preference = PushPreference.objects.get(member=member)
    assert preference.allows("message") and preference.allows("grid_alert")
    assert not preference.allows("reply") and not preference.allows("challenge")
    assert preference.show_text
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "VAPID_PUBLIC_KEY": ""}
    page = client.get(reverse("feeds:notification_preferences")).content.decode()
    assert "Activer les notifications sur cet appareil" not in page
    assert "envoie pas de notifications push pour le moment" in page


def test_payloads_hold_private_text_only_when_allowed(member):
    data = {
        "actor_name": "Anne B.",
        "url": "/messages/4/",
        "excerpt": "",
        "private_excerpt": "Mon code est 1234",
    }
    hidden = PushPreference(member=member)
    payload = payloads.build_payload("message", data, hidden, "fr", lambda d: "")
    assert (payload.title, payload.body, payload.url) == (
        "Nouveau message de Anne B.",
        "",
        "/messages/4/",
    )
    shown = PushPreference(member=member, show_text=True)
    payload = payloads.build_payload("message", data, shown, "en", lambda d: "")
    assert payload.body == "Mon code est 1234" and payload.urgency == "high"
    off = PushPreference(member=member, message=False)
    assert payloads.build_payload("message", data, off, "fr", lambda d: "") is None
    alert = payloads.build_payload(
        "grid_alert",
        {"title": "Alerte Ecowatt", "url": "https://evil.example/", "excerpt": "x"},
        hidden,
        "fr",
        lambda d: d["excerpt"],
    )
    assert (alert.title, alert.body, alert.url) == (
        "Alerte Ecowatt",
        "x",
        "/notifications/",
    )
    assert (alert.urgency, alert.topic) == ("high", "grid-alert")
    assert payloads.build_payload("reaction", data, shown, "fr", lambda d: "") is None


def test_generate_vapid_keys_prints_a_usable_pair():
    out = io.StringIO()
    call_command("generate_vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    public, private = lines["VAPID_PUBLIC_KEY"], lines["VAPID_PRIVATE_KEY"]
    raw = base64.urlsafe_b64decode(public + "=" * (-len(public) % 4))
    assert len(raw) == 65 and raw[0] == 4
    assert (
        Vapid02.from_string(private).public_key.public_numbers().x.to_bytes(32, "big")
        == raw[1:33]
    )


def test_a_development_checkout_keeps_one_private_pair(tmp_path):
    """`make run` offers push with a pair made once and kept (config/vapid.py)."""
    path = tmp_path / "private" / "vapid.json"
    first = local_key_pair(path)
    assert local_key_pair(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert (
        Vapid02.from_string(first[1]).public_key.public_numbers().x.to_bytes(32, "big")
        == base64.urlsafe_b64decode(first[0] + "=")[1:33]
    )
    path.write_text("abîmé")
    assert local_key_pair(path) != first


def test_devices_are_in_the_data_export_and_go_with_the_member(client, member):
    client.force_login(member.user)
    register(client, subscription())
    assert personal_data.export_member in kinds.exporters()

    class Archive:
        documents: dict = {}

    personal_data.export_member(member, Archive)
    document = Archive.documents["notifications_push.json"]
    assert document["appareils"][0]["navigateur"] == "Chrome sur Android"
    assert "p256dh" not in json.dumps(document) and P256DH not in json.dumps(document)
    member.user.delete()
    assert not PushDevice.objects.exists()


def test_an_unreachable_push_service_is_counted_not_raised(member, caplog):
    from common.notify import localised_excerpt
    from push.sending import deliver

    device = PushDevice.objects.create(
        member=member, endpoint="http://127.0.0.1:9/push/x", p256dh=P256DH, auth=AUTH
    )
    data = {"url": "/", "excerpt": "Alerte", "title": "Alerte"}
    outcomes = deliver([(member.user_id, "grid_alert", data)], localised_excerpt)
    assert outcomes == {"failed": 1}
    device.refresh_from_db()
    assert device.failures == 1
    assert "Connection refused" in caplog.text or "Max retries" in caplog.text


def test_a_push_service_answering_404_or_410_drops_the_device(member):
    """A push service that no longer knows a subscription (404, 410) gets its
    device deleted; any other refusal (400, 500) is counted, the device kept."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from common.notify import localised_excerpt
    from push.sending import deliver

    class Service(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(int(self.path.rsplit("/", 1)[1]))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/push"
    try:
        devices = {
            status: PushDevice.objects.create(
                member=member, endpoint=f"{base}/{status}", p256dh=P256DH, auth=AUTH
            )
            for status in (201, 400, 404, 410, 500)
        }
        data = {"url": "/", "excerpt": "Alerte", "title": "Alerte"}
        outcomes = deliver([(member.user_id, "grid_alert", data)], localised_excerpt)
    finally:
        server.shutdown()
        server.server_close()

    assert outcomes == {"sent": 1, "gone": 2, "failed": 2}
    left = {
        device.endpoint.rsplit("/", 1)[1]: device.failures
        for device in PushDevice.objects.filter(member=member)
    }
    assert left == {"201": 0, "400": 1, "500": 1}
    assert not PushDevice.objects.filter(
        pk__in=[devices[404].pk, devices[410].pk]
    ).exists()
