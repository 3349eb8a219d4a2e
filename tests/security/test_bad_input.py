"""Bad input on every form of the site, and on the websocket.

For each form: a valid submission first (it must change something, so the
harness is proven), then over-long, empty, null-byte and wrong-type values, each
of which must answer with a clear message in the page (`role="alert"`) and
change nothing. HTML, script and emoji are valid text: they are kept as typed
and always shown escaped. The websocket part runs on the real Redis channel
layer and checks that a bystander's connection keeps receiving events.
"""

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from ambassadors.models.visits import Visit
from challenges.models import LoggedAction, Redemption
from community.models import Household, Member, TownPage
from feeds.models import ChatMessage, Comment, Post, Reaction
from tests.factories import PASSWORD
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

_keys = itertools.count(1)

OVER_LONG = "Trop long " * 1_500  # 15,000 characters: past every text limit
NULL_BYTE = "Bonjour\x00le quartier"
SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
EMOJI = "Économies 💧🌱 chez nous, ça marche"


def key() -> str:
    return f"mauvaise-saisie-{next(_keys)}"


@dataclass
class Form:
    """One form: who fills it, where, valid data, and what it writes."""

    role: str
    url: Callable[[World], str]
    valid: Callable[[World], dict]
    text_field: str
    # A number that a successful submission changes.
    written: Callable[[World], object]
    # Invalid values of other fields: (field, value).
    wrong_types: list[tuple[str, str]] = field(default_factory=list)
    # The text field may be left empty (then "empty" is not bad input).
    optional: bool = False


def _today() -> str:
    return timezone.localdate().isoformat()


FORMS: dict[str, Form] = {
    "sign-up": Form(
        "anonymous",
        lambda w: "/compte/inscription/",
        lambda w: {
            "display_name": "Anne B.",
            "email": f"anne{next(_keys)}@example.org",
            "password1": "un-mot-de-passe-solide-2",
            "password2": "un-mot-de-passe-solide-2",
            "neighbourhood": w.neighbourhood.pk,
            "domains": ["energy"],
        },
        "display_name",
        lambda w: User.objects.count(),
        wrong_types=[
            ("email", "pas-une-adresse"),
            ("neighbourhood", "abc"),
            ("domains", "nucleaire"),
            ("code", "ZZZZ-ZZZZ"),
        ],
    ),
    "profile": Form(
        "resident",
        lambda w: "/compte/profil/",
        lambda w: {"display_name": f"Rose {next(_keys)}", "preferred_language": "fr"},
        "display_name",
        lambda w: Member.objects.get(pk=w.resident.pk).display_name,
        wrong_types=[("preferred_language", "klingon")],
    ),
    "post": Form(
        "resident",
        lambda w: "/publications/nouvelle/",
        lambda w: {"body": "Un message", "where": "town", "client_key": key()},
        "body",
        lambda w: Post.objects.count(),
        wrong_types=[("where", "mars"), ("client_key", "")],
    ),
    "comment": Form(
        "resident",
        lambda w: f"/publications/{w.post.pk}/commenter/",
        lambda w: {"body": "Bien vu", "client_key": key()},
        "body",
        lambda w: Comment.objects.count(),
        wrong_types=[("parent", "abc")],
    ),
    "chat": Form(
        "resident",
        lambda w: f"/messages/{w.room.pk}/",
        lambda w: {"body": "Salut les voisins", "client_key": key()},
        "body",
        lambda w: ChatMessage.objects.count(),
        wrong_types=[("client_key", "")],
    ),
    "tip proposal": Form(
        "resident",
        lambda w: "/astuces/proposer/",
        lambda w: {
            "title": f"Baisser le chauffage {next(_keys)}",
            "summary": "Un degré de moins, 7 % d'économie.",
            "domain": "energy",
            "difficulty": "easy",
            "steps": "Régler le thermostat",
        },
        "title",
        lambda w: Page.objects.count(),
        wrong_types=[
            ("savings_eur", "beaucoup"),
            ("savings_eur", "-5"),
            ("domain", "nucleaire"),
        ],
    ),
    "j'ai agi": Form(
        "resident",
        lambda w: w.challenge.url + "j-ai-agi/",
        lambda w: {
            "action_type": w.challenge.action_types.first().pk,
            "occurred_on": _today(),
            "idempotency_key": key(),
        },
        "idempotency_key",
        lambda w: LoggedAction.objects.count(),
        wrong_types=[
            ("occurred_on", "hier soir"),
            ("occurred_on", "2999-01-01"),
            ("action_type", "abc"),
        ],
    ),
    "ambassador visit": Form(
        "ambassador",
        lambda w: "/ambassadeurs/tournee/visites/nouvelle/",
        lambda w: {
            "neighbourhood": w.neighbourhood.pk,
            "street": "rue des Tilleuls",
            "house_number": str(next(_keys)),
            "outcome": "not_interested",
        },
        "street",
        lambda w: Visit.objects.count(),
        wrong_types=[
            ("outcome", "ravi"),
            ("call_back_on", "demain"),
            ("neighbourhood", str(10**12)),
        ],
    ),
    "pre-registration (invitation)": Form(
        "ambassador",
        lambda w: "/ambassadeurs/tournee/foyers/nouveau/",
        lambda w: {
            "neighbourhood": w.neighbourhood.pk,
            "domains": ["energy"],
            "contact": "06 00 00 00 00",
            "consent_text": _consent_id(),
            "consent": "on",
        },
        "contact",
        lambda w: Household.objects.count(),
        wrong_types=[("consent_text", "abc"), ("domains", "nucleaire")],
        optional=True,
    ),
    "meter index": Form(
        "resident",
        lambda w: "/foyer/compteurs/index/",
        lambda w: {"meter_kind": "water", "read_on": _today(), "value": "123,5"},
        "value",
        lambda w: _meter_indexes(),
        wrong_types=[
            ("read_on", "hier soir"),
            ("read_on", "2999-01-01"),
            ("meter_kind", "fioul"),
            ("value", "-3"),
        ],
    ),
    "meter file": Form(
        "resident",
        lambda w: "/foyer/compteurs/fichier/",
        lambda w: {"file": _meter_file()},
        "file",
        lambda w: _meter_uploads(),
        wrong_types=[("file", "pas un fichier")],
    ),
}


def _meter_indexes() -> int:
    from meters.models import MeterIndex

    return MeterIndex.objects.count()


def _meter_uploads() -> int:
    from meters.models import MeterUpload

    return MeterUpload.objects.count()


def _meter_file():
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.meters.files import enedis_daily

    data = enedis_daily(timezone.localdate() - timedelta(days=3), 3)
    return SimpleUploadedFile("export.csv", data, "text/csv")


def _consent_id() -> int:
    from community import privacy

    return privacy.current_consent_text().pk


def client_for(world: World, role: str) -> Client:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def assert_refused(response, form_name: str, what: str) -> None:
    assert response.status_code in (200, 400), (form_name, what, response.status_code)
    body = response.content.decode()
    assert 'role="alert"' in body, (form_name, what, "no error shown")


BAD_TEXT = {"over-long": OVER_LONG, "empty": "", "null byte": NULL_BYTE}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_bad_values_are_refused_clearly_and_change_nothing(world: World, name: str):
    form = FORMS[name]
    client = client_for(world, form.role)
    url = form.url(world)

    for what, value in BAD_TEXT.items():
        if what == "empty" and form.optional:
            continue
        before = form.written(world)
        response = client.post(url, {**form.valid(world), form.text_field: value})
        assert_refused(response, name, what)
        assert form.written(world) == before, (name, what)
    for field_name, value in form.wrong_types:
        before = form.written(world)
        response = client.post(url, {**form.valid(world), field_name: value})
        assert_refused(response, name, f"{field_name}={value!r}")
        assert form.written(world) == before, (name, field_name, value)

    # The harness itself: the same form with valid data does write.
    before = form.written(world)
    response = client.post(url, form.valid(world))
    assert response.status_code in (200, 302), (name, response.status_code)
    assert form.written(world) != before, (name, "a valid submission wrote nothing")


@pytest.mark.parametrize("name", ["post", "comment", "chat"])
def test_html_and_emoji_are_kept_as_typed_and_shown_escaped(world: World, name):
    form = FORMS[name]
    client = client_for(world, form.role)
    text = f"{SCRIPT} {EMOJI}"
    response = client.post(
        form.url(world), {**form.valid(world), form.text_field: text}, follow=True
    )
    assert response.status_code == 200
    model = {"post": Post, "comment": Comment, "chat": ChatMessage}[name]
    stored = model.objects.order_by("-pk").first()
    assert stored.body == text
    page = {
        "post": f"/publications/{stored.pk}/" if name == "post" else None,
        "comment": f"/publications/{world.post.pk}/",
        "chat": f"/messages/{world.room.pk}/",
    }[name]
    body = client.get(page).content.decode()
    assert EMOJI in body
    assert "&lt;script&gt;alert(" in body
    assert "<script>alert(" not in body
    assert "onerror=alert" not in body.replace("&lt;img src=x onerror=alert", "")


def test_a_display_name_with_html_is_escaped_everywhere(world: World):
    client = client_for(world, "resident")
    response = client.post(
        "/compte/profil/", {"display_name": "<b>Rose</b>", "preferred_language": "fr"}
    )
    assert response.status_code == 302
    body = client.get(f"/membres/{world.resident.pk}/").content.decode()
    assert "&lt;b&gt;Rose&lt;/b&gt;" in body
    assert "<b>Rose</b>" not in body


def test_search_takes_any_query_and_escapes_it(world: World):
    client = client_for(world, "resident")
    # A NUL is refused before the view (config/badinput.py, tests/fuzz).
    assert client.get("/search/", {"q": NULL_BYTE}).status_code == 400
    for query in (OVER_LONG, "", SCRIPT, EMOJI, "%00", "' OR 1=1 --"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
        body = response.content.decode()
        assert "<script>alert(" not in body
    response = client.get("/search/suggest", {"q": SCRIPT})
    assert response.status_code == 200
    assert response.json()["query"] == SCRIPT
    assert response["Content-Type"] == "application/json"
    # A page number that is not one is the first page, not an error.
    assert client.get("/search/", {"q": "eau", "page": "abc"}).status_code == 200


def test_login_with_bad_values_says_so_and_signs_nobody_in(world: World):
    client = Client()
    for username, password in (
        (OVER_LONG, "x"),
        ("", ""),
        (NULL_BYTE, PASSWORD),
        (world.resident.user.email, "mauvais"),
    ):
        response = client.post(
            "/compte/connexion/", {"username": username, "password": password}
        )
        assert_refused(response, "login", repr(username[:20]))
        assert "_auth_user_id" not in client.session


def test_redeeming_without_points_or_a_bad_reward_changes_nothing(world: World):
    client = client_for(world, "resident")
    response = client.post(f"/recompenses/{world.reward.pk}/echanger/", follow=True)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode() or "message" in (
        response.content.decode()
    )
    assert Redemption.objects.count() == 0
    assert client.post("/recompenses/987654321/echanger/").status_code == 404
    assert Redemption.objects.count() == 0


def test_an_oversized_avatar_gets_a_form_error(world: World, settings):
    from tests.feeds.conftest import jpeg_with_gps

    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "AVATAR_MAX_BYTES": 1024}
    client = client_for(world, "resident")
    response = client.post(
        "/compte/profil/",
        {
            "display_name": "Rose R.",
            "preferred_language": "fr",
            "avatar": jpeg_with_gps(),
        },
    )
    assert_refused(response, "avatar", "oversized")
    assert not Member.objects.get(pk=world.resident.pk).avatar


def test_a_request_body_past_the_upload_limit_is_refused(world: World, settings):
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE Django answers 400 before any view."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = client_for(world, "resident")
    before = Post.objects.count()
    response = client.post(
        "/publications/nouvelle/",
        {"body": "x" * 20_000, "where": "town", "client_key": key()},
    )
    assert response.status_code == 400
    assert Post.objects.count() == before


# Rate limits: a clear French message and nothing written past the limit.


def test_sign_up_past_its_limit_is_a_form_error_in_french(world: World, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "SIGNUP_RATE": (2, 3600)}
    client = Client()
    form = FORMS["sign-up"]
    for _ in range(2):
        client.post("/compte/inscription/", {**form.valid(world), "password2": "x"})
    before = User.objects.count()
    response = client.post("/compte/inscription/", form.valid(world))
    assert response.status_code == 429
    body = response.content.decode()
    assert "Trop de demandes en peu de temps" in body and 'role="alert"' in body
    assert 'value="Anne B."' in body  # what was typed is kept
    assert User.objects.count() == before


def test_login_past_its_limit_answers_429(world: World, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "LOGIN_RATE": (3, 600)}
    client = Client()
    for _ in range(3):
        client.post(
            "/compte/connexion/", {"username": "x@example.org", "password": "y"}
        )
    response = client.post(
        "/compte/connexion/",
        {"username": world.resident.user.email, "password": PASSWORD},
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de demandes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_search_past_its_limit_answers_429_per_member(world: World, settings):
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "SEARCH_RATE": (2, 60),
        "SUGGEST_RATE": (1, 60),
    }
    resident = client_for(world, "resident")
    for _ in range(2):
        assert resident.get("/search/", {"q": "eau"}).status_code == 200
    limited = resident.get("/search/", {"q": "eau"})
    assert limited.status_code == 429
    assert "Trop de demandes" in limited.content.decode()
    # Another member is counted apart; the search form without a query is free.
    assert client_for(world, "other").get("/search/", {"q": "eau"}).status_code == 200
    assert resident.get("/search/").status_code == 200
    assert resident.get("/search/suggest", {"q": "ea"}).status_code == 200
    suggest = resident.get("/search/suggest", {"q": "ea"})
    assert suggest.status_code == 429
    assert suggest.json()["error"]["code"] == "rate_limited"


def test_anonymous_searches_are_counted_per_address(world: World, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "SEARCH_RATE": (1, 60)}
    here = Client(REMOTE_ADDR="192.0.2.1")
    assert here.get("/search/", {"q": "eau"}).status_code == 200
    assert here.get("/search/", {"q": "eau"}).status_code == 429
    there = Client(REMOTE_ADDR="192.0.2.2")
    assert there.get("/search/", {"q": "eau"}).status_code == 200


def test_invitation_codes_past_their_limit_are_refused(world: World, settings):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "INVITATION_RATE": (1, 3600)}
    client = client_for(world, "ambassador")
    url = f"/ambassadeurs/tournee/foyers/{world.onboarding_public_id}/carte/"
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    before = Household.objects.count()
    response = client.post(
        "/ambassadeurs/tournee/foyers/nouveau/",
        FORMS["pre-registration (invitation)"].valid(world),
    )
    assert_refused(response, "pre-registration", "rate limited")
    assert Household.objects.count() == before


def test_actions_and_tip_proposals_past_their_limit_write_nothing(world: World):
    TownPage.objects.filter(pk=world.town.pk).update(  # the town's « Réglages »
        action_rate=1, tip_proposal_rate=1
    )
    client = client_for(world, "resident")
    for name in ("j'ai agi", "tip proposal"):
        form = FORMS[name]
        before = form.written(world)
        client.post(form.url(world), form.valid(world))
        accepted = form.written(world)
        assert accepted != before, (name, "the first one is accepted")
        sent = form.valid(world)
        response = client.post(form.url(world), sent)
        assert_refused(response, name, "rate limited")
        assert "réessayez" in response.content.decode()
        # The text typed is still in the form, and nothing was written.
        assert str(sent[form.text_field]) in response.content.decode()
        assert form.written(world) == accepted


def test_reactions_past_their_limit_are_refused_with_a_message(world: World):
    TownPage.objects.filter(pk=world.town.pk).update(reaction_rate=1)
    client = client_for(world, "other")
    url = f"/publications/{world.post.pk}/reagir/"
    client.post(url, {"kind": "merci"})
    assert Reaction.objects.filter(post=world.post, member=world.other).count() == 1
    response = client.post(url, {"kind": "merci"}, follow=True)
    assert "Beaucoup de réactions" in response.content.decode()
    # Still on: the refused click did not toggle it off.
    assert Reaction.objects.filter(post=world.post, member=world.other).count() == 1


# The websocket: bad frames answer the sender only; others keep their stream.


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_bad_frames_leave_the_server_up_for_everyone(generous_rates):
    from realtime.groups import town_stream
    from tests.realtime.conftest import (
        connected,
        event_frame,
        publish_now,
        receive,
        subscribe,
    )
    from tests.security.conftest import build_world

    world = await database_sync_to_async(build_world)()
    stream = town_stream(world.town.pk)
    bystander = await connected(world.other.user)
    await subscribe(bystander, stream)
    sender = await connected(world.resident.user)

    frames = [
        {"text_data": "{pas du json"},
        {"text_data": '{"op": "subscribe", "stream": "town:1"'},
        {"text_data": '{"op": "détruire", "stream": "' + stream + '"}'},
        {"text_data": '{"op": null}'},
        {"text_data": '{"op": "subscribe", "stream": "town:1\\u0000"}'},
        {"text_data": '{"op": "subscribe", "stream": "<script>:1"}'},
        {"text_data": '{"op": "subscribe", "stream": "💧:1"}'},
        {"text_data": "x" * 1_000_000},  # a megabyte: past the 4 KiB frame limit
        {"text_data": '{"op": "subscribe", "pad": "' + "💧" * 2_000 + '"}'},
        {"bytes_data": b"\x00\xff\x00\xff"},
        {"bytes_data": b"x" * 100_000},
    ]
    for frame in frames:
        await sender.send_to(**frame)
        answer = await receive(sender)
        assert answer["op"] == "error", str(frame)[:80]
        assert answer["code"] == "bad_request", str(frame)[:80]
        assert answer["message"], str(frame)[:80]

    # A stream that exists but is someone else's is refused, not an error.
    await sender.send_json_to(
        {"op": "subscribe", "stream": f"user:{world.other.user.pk}"}
    )
    answer = await receive(sender)
    assert answer["code"] == "forbidden"

    # The bystander never saw any of it, and both still get live events.
    assert await bystander.receive_nothing(timeout=0.2)
    await subscribe(sender, stream)
    event = await database_sync_to_async(publish_now)(stream, "post.created")
    assert await receive(sender) == event_frame(event)
    assert await receive(bystander) == event_frame(event)
    await asyncio.gather(sender.disconnect(), bystander.disconnect())
