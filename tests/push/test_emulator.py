"""End to end through the local push service emulator: a real subscription,
registered through our endpoint, a real direct message, VAPID checked and the
payload decrypted by the emulator; an expired subscription's device is deleted."""

import base64
import json
import time
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings
from django.urls import reverse
from notifications.models import Notification
from requests.structures import CaseInsensitiveDict

from common.notify import push_notifications, send_notification
from community.models import Referent
from push.models import PushDevice, PushPreference
from referents.models import Question
from tests.feeds.conftest import key


def test_a_direct_message_reaches_the_phone_as_the_preferences_allow(
    client, member, neighbour, push_emulator, django_capture_on_commit_callbacks
):
    subscription = push_emulator.subscribe()
    client.force_login(neighbour.user)
    response = client.post(
        reverse("push:subscribe"),
        json.dumps(
            {"endpoint": subscription["endpoint"], "keys": subscription["keys"]}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    client.force_login(member.user)
    room_url = client.post(reverse("feeds:start_direct", args=[neighbour.pk]))[
        "Location"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(room_url, {"body": "Mon code est 1234", "client_key": key()})
    [first] = [
        json.loads(m) for m in push_emulator.messages(subscription["clientHash"])
    ]
    assert first == {
        "title": "Nouveau message de Anne B.",
        "body": "",
        "url": room_url,
        "tag": f"message:{room_url}",
    }
    PushPreference.objects.create(member=neighbour, show_text=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(room_url, {"body": "À demain !", "client_key": key()})
    second = json.loads(push_emulator.messages(subscription["clientHash"])[-1])
    assert second["body"] == "À demain !"
    device = PushDevice.objects.get()
    assert device.failures == 0 and device.last_used_at > device.created_at

    # h3's contract: a grid alert through common.notify pushes as « grid_alert ».
    push_emulator.expire(subscription["clientHash"])
    with django_capture_on_commit_callbacks(execute=True):
        send_notification(
            neighbour.user_id,
            actor=member.town,
            verb="grid_alert",
            data={"kind": "grid_alert", "url": "/", "excerpt": "18 h – 20 h"},
        )
    assert len(push_emulator.messages(subscription["clientHash"])) == 2
    assert not PushDevice.objects.exists()


def test_badges_written_in_bulk_push_as_challenge_events(
    member, push_emulator, django_capture_on_commit_callbacks
):
    subscription = push_emulator.phone(member)
    row = Notification(
        recipient_id=member.user_id,
        verb="challenge_badge",
        data={"url": "/defis/eco/", "excerpt": "Économe, défi « Éco »"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        push_notifications([row])
    [message] = push_emulator.messages(subscription["clientHash"])
    assert json.loads(message) == {
        "title": "Nouveau badge",
        "body": "Économe, défi « Éco »",
        "url": "/defis/eco/",
        "tag": "challenge:/defis/eco/",
    }


def test_local_life_pushes_under_its_own_choice_and_answers_as_replies(
    client, member, neighbour, push_emulator, django_capture_on_commit_callbacks
):
    """A question reaches the référent's phone (« Vie locale »); the answer
    reaches the asker's as a reply, without its text unless allowed."""
    Referent.objects.create(
        town=member.town, member=neighbour, title="Conseiller", domains=["energy"]
    )
    referent_phone = push_emulator.phone(neighbour)
    asker_phone = push_emulator.phone(member)

    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referents:ask"),
            {"domain": "energy", "title": "Quel thermostat ?", "body": ""},
        )
    question = Question.objects.get()
    [pushed] = push_emulator.messages(referent_phone["clientHash"])
    assert json.loads(pushed) == {
        "title": "Une question aux référents dans votre domaine",
        "body": "Quel thermostat ?",
        "url": question.get_absolute_url(),
        "tag": f"local:{question.get_absolute_url()}",
    }

    client.force_login(neighbour.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referents:answer", args=[question.pk]),
            {"body": "Un programmable."},
        )
    [answered] = push_emulator.messages(asker_phone["clientHash"])
    assert json.loads(answered)["title"] == (
        "Du nouveau sur votre question aux référents"
    )
    assert json.loads(answered)["body"] == ""

    # « Vie locale » turned off: the next question does not reach the phone.
    PushPreference.objects.create(member=neighbour, local=False)
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referents:ask"),
            {"domain": "energy", "title": "Et les volets ?", "body": ""},
        )
    assert Question.objects.count() == 2
    assert len(push_emulator.messages(referent_phone["clientHash"])) == 1


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_each_push_carries_a_valid_vapid_token_and_the_web_push_headers(
    member, push_emulator, monkeypatch, django_capture_on_commit_callbacks
):
    """What the push service checks (RFC 8292, RFC 8030), read on the request
    as sent: the token signed by our key for the service's origin, with our
    contact and an expiry within 24 hours; the public key; the encoding, TTL,
    urgency and topic of a grid alert. The emulator then verifies the token's
    signature itself and decrypts the payload."""
    subscription = push_emulator.phone(member)
    sent: list[tuple[str, dict]] = []
    original = requests.Session.post

    def recording(session, url, *args, **kwargs):
        if url == subscription["endpoint"]:
            sent.append((url, CaseInsensitiveDict(kwargs.get("headers") or {})))
        return original(session, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "post", recording)
    with django_capture_on_commit_callbacks(execute=True):
        send_notification(
            member.user_id,
            actor=member.town,
            verb="grid_alert",
            data={"kind": "grid_alert", "url": "/defis/", "excerpt": "18 h – 20 h"},
        )

    [(endpoint, headers)] = sent
    scheme, _, rest = headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    public_key = settings.SMARTCITIZEN["VAPID_PUBLIC_KEY"]
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    assert json.loads(_b64(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = _b64(signature)
    ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), _b64(public_key)
    ).verify(
        encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        ),
        f"{header}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    claims = json.loads(_b64(claims))
    origin = urlsplit(endpoint)
    assert claims["aud"] == f"{origin.scheme}://{origin.netloc}"
    assert claims["sub"] == settings.SMARTCITIZEN["VAPID_SUBJECT"]
    assert claims["sub"].startswith(("mailto:", "https:"))
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert headers["Content-Encoding"] == "aes128gcm"
    assert headers["TTL"] == str(settings.SMARTCITIZEN["PUSH_TTL"])
    assert headers["Urgency"] == "high" and headers["Topic"] == "grid-alert"
    [message] = push_emulator.messages(subscription["clientHash"])
    assert json.loads(message)["url"] == "/defis/"
