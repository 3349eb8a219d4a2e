"""Who may open what: every URL pattern of the site and every websocket stream
kind, for an anonymous visitor, a resident, a resident of another household
(in another neighbourhood), an ambassador (covering the resident's
neighbourhood) and a moderator.

The URL list is not written by hand: the tests walk Django's resolver and the
sub-page routes of Wagtail's routable pages, so a new URL without an entry in
`MATRIX` fails `test_every_url_pattern_has_an_entry` with the line to add.
Wagtail's admin is swept whole: every one of its patterns must send anonymous
visitors and residents to the admin login.

Each request runs in a savepoint rolled back afterwards, so a POST (delete,
leave, redeem…) changes nothing for the next row.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, get_page_models

from realtime import groups, streams
from tests.security import local_life as life
from tests.security.conftest import ROLES, World

# Outcomes.
OK = 200
LOGIN = "login"  # a redirect to the site's login page
ADMIN_LOGIN = "admin-login"  # a redirect to Wagtail's login page
REDIRECT = "redirect"  # a redirect elsewhere (a page of the site)
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
TOO_MANY = 429


@dataclass(frozen=True)
class Case:
    """How to reach one URL pattern, and what each role gets there."""

    url: Callable[[World], str]
    # anonymous, resident, other household's resident, ambassador, moderator
    expect: tuple
    method: str = "get"
    data: dict = field(default_factory=dict)


def case(url, anonymous, resident, other, ambassador, moderator, **kwargs) -> Case:
    if isinstance(url, str):
        fixed = url
        url = lambda w: fixed  # noqa: E731
    return Case(url, (anonymous, resident, other, ambassador, moderator), **kwargs)


def everyone(url, outcome, **kwargs) -> Case:
    return case(url, outcome, outcome, outcome, outcome, outcome, **kwargs)


def members_only(url, outcome=OK, **kwargs) -> Case:
    """Signed-in members of the town get `outcome`, anonymous visitors log in."""
    return case(url, LOGIN, outcome, outcome, outcome, outcome, **kwargs)


UNKNOWN = 987_654_321


def _meter_upload(world: World):
    """A file of the resident's household waiting for its confirmation."""
    from meters.models import MeterUpload

    upload = MeterUpload.objects.filter(household=world.household).first()
    if upload is None:
        upload = MeterUpload.objects.create(
            household=world.household,
            uploaded_by=world.resident.user,
            source="enedis_daily",
            meter_kind="electricity",
            original_name="mes-donnees.csv",
            summary={
                "first_day": "2026-03-01",
                "last_day": "2026-03-31",
                "days": 31,
                "total": "310.5",
                "unit": "kWh",
                "missing_days": 0,
                "missing_dates": [],
                "replaced_days": 0,
            },
            idempotency_key=uuid.uuid4().hex,
        )
    return upload


def _push_device(world: World):
    """A phone of the resident's that receives push notifications."""
    from push.models import PushDevice

    device, _created = PushDevice.objects.get_or_create(
        endpoint=f"https://push.example.org/send/{world.resident.pk}",
        defaults={
            "member": world.resident,
            "p256dh": "B" + "A" * 86,
            "auth": "A" * 22,
            "browser": "Firefox sur Android",
        },
    )
    return device


# Keyed by the full route, as `test_every_url_pattern_has_an_entry` prints it.
# A route that serves several methods has one Case per method, in a tuple.
MATRIX: dict[str, Case | tuple[Case, ...]] = {
    "healthz": everyone("/healthz", OK),
    # The site's icon, which browsers ask for unasked.
    "favicon.ico": everyone("/favicon.ico", OK),
    # The scoring API wants a bearer token: nobody gets in with a session.
    "api/scoring/v1/": everyone("/api/scoring/v1/", 401),
    # The erasure call (DELETE); the bearer token is checked before the method.
    "api/scoring/v1/households/<str:household_id>": everyone(
        lambda w: f"/api/scoring/v1/households/{w.household.public_id}", 401
    ),
    "api/scoring/v1/households/<str:household_id>/points": everyone(
        lambda w: f"/api/scoring/v1/households/{w.household.public_id}/points", 401
    ),
    "api/scoring/v1/households/<str:household_id>/sensors": everyone(
        lambda w: f"/api/scoring/v1/households/{w.household.public_id}/sensors", 401
    ),
    # POST sends a household's readings, GET lists them (« Mes données »).
    "api/scoring/v1/households/<str:household_id>/readings": (
        everyone(
            lambda w: f"/api/scoring/v1/households/{w.household.public_id}/readings",
            401,
            method="post",
        ),
        everyone(
            lambda w: (
                f"/api/scoring/v1/households/{w.household.public_id}/readings"
                "?from=2026-01-01&to=2026-12-31"
            ),
            401,
        ),
    ),
    "api/scoring/v1/neighbourhoods/<int:neighbourhood_id>/summary": everyone(
        lambda w: f"/api/scoring/v1/neighbourhoods/{w.neighbourhood.pk}/summary",
        401,
    ),
    "api/scoring/v1/leaderboards/<int:challenge_id>": everyone(
        lambda w: f"/api/scoring/v1/leaderboards/{w.challenge.pk}", 401
    ),
    "api/scoring/v1/actions": everyone("/api/scoring/v1/actions", 401, method="post"),
    "api/scoring/v1/confirmations": everyone(
        "/api/scoring/v1/confirmations", 401, method="post"
    ),
    "api/scoring/v1/redemptions": everyone(
        "/api/scoring/v1/redemptions", 401, method="post"
    ),
    "api/scoring/v1/sensors/readings": everyone(
        "/api/scoring/v1/sensors/readings", 401, method="post"
    ),
    "api/scoring/v1/towns/<int:town_id>/sensors": everyone(
        lambda w: f"/api/scoring/v1/towns/{w.town.pk}/sensors", 401
    ),
    "api/scoring/v1/^(?P<rest>.*)$": everyone("/api/scoring/v1/inconnu", 404),
    "documents/^(\\d+)/(.*)$": everyone(f"/documents/{UNKNOWN}/doc.pdf", NOT_FOUND),
    "documents/authenticate_with_password/<int:restriction_id>/": everyone(
        f"/documents/authenticate_with_password/{UNKNOWN}/", NOT_FOUND
    ),
    # Search is public; what it shows depends on the viewer (tests/search).
    "search/": everyone("/search/?q=quartier", OK),
    "search/suggest": everyone("/search/suggest?q=cas", OK),
    "compte/inscription/": case("/compte/inscription/", OK, *[REDIRECT] * 4),
    "compte/connexion/": case("/compte/connexion/", OK, *[REDIRECT] * 4),
    "compte/deconnexion/": everyone("/compte/deconnexion/", REDIRECT, method="post"),
    "compte/profil/": members_only("/compte/profil/"),
    "compte/langue/": everyone(
        "/compte/langue/", REDIRECT, method="post", data={"language": "fr"}
    ),
    "compte/mot-de-passe/oubli/": everyone("/compte/mot-de-passe/oubli/", OK),
    "compte/mot-de-passe/oubli/envoye/": everyone(
        "/compte/mot-de-passe/oubli/envoye/", OK
    ),
    # A wrong token shows the "invalid link" page, to anyone.
    "compte/mot-de-passe/nouveau/<uidb64>/<token>/": everyone(
        "/compte/mot-de-passe/nouveau/MQ/mauvais-jeton/", OK
    ),
    "compte/mot-de-passe/termine/": everyone("/compte/mot-de-passe/termine/", OK),
    "foyer/": case("/foyer/", LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # The welcome path (community/welcome.py): members with a household.
    "bienvenue/": case("/bienvenue/", LOGIN, REDIRECT, REDIRECT, NOT_FOUND, NOT_FOUND),
    "bienvenue/<slug:slug>/": (
        case("/bienvenue/domaines/", LOGIN, OK, OK, NOT_FOUND, NOT_FOUND),
        case(
            "/bienvenue/domaines/",
            LOGIN,
            REDIRECT,
            REDIRECT,
            NOT_FOUND,
            NOT_FOUND,
            method="post",
            data={"domains": ["energy"]},
        ),
    ),
    # A household's page: its members only.
    "foyers/<str:public_id>/": case(
        lambda w: f"/foyers/{w.household.public_id}/",
        LOGIN,
        OK,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
    ),
    # The doorstep pages: ambassadors only, and only for what they cover.
    "ambassadeurs/tournee/": case(
        "/ambassadeurs/tournee/", LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN
    ),
    "ambassadeurs/tournee/visites/": case(
        "/ambassadeurs/tournee/visites/", LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN
    ),
    "ambassadeurs/tournee/visites/nouvelle/": case(
        "/ambassadeurs/tournee/visites/nouvelle/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ambassadeurs/tournee/visites/<int:visit_id>/": case(
        lambda w: f"/ambassadeurs/tournee/visites/{w.visit_id}/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ambassadeurs/tournee/rappels/": case(
        "/ambassadeurs/tournee/rappels/", LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN
    ),
    "ambassadeurs/tournee/foyers/": case(
        "/ambassadeurs/tournee/foyers/", LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN
    ),
    "ambassadeurs/tournee/foyers/nouveau/": case(
        "/ambassadeurs/tournee/foyers/nouveau/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ambassadeurs/tournee/foyers/<str:public_id>/": case(
        lambda w: f"/ambassadeurs/tournee/foyers/{w.onboarding_public_id}/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ambassadeurs/tournee/foyers/<str:public_id>/carte/": case(
        lambda w: f"/ambassadeurs/tournee/foyers/{w.onboarding_public_id}/carte/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    # An index typed on the doorstep: an empty form comes back with its errors.
    "ambassadeurs/tournee/foyers/<str:public_id>/index/": case(
        lambda w: f"/ambassadeurs/tournee/foyers/{w.onboarding_public_id}/index/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
        method="post",
    ),
    "ambassadeurs/tournee/couverture/": case(
        "/ambassadeurs/tournee/couverture/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ambassadeurs/tournee/couverture.csv": case(
        "/ambassadeurs/tournee/couverture.csv",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ambassadeurs/mon-foyer/": case(
        "/ambassadeurs/mon-foyer/", LOGIN, OK, OK, NOT_FOUND, NOT_FOUND
    ),
    "ambassadeurs/mon-foyer/actions/<int:action_id>/contester/": case(
        f"/ambassadeurs/mon-foyer/actions/{UNKNOWN}/contester/",
        LOGIN,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        method="post",
    ),
    "ambassadeurs/mon-foyer/quitter/": case(
        "/ambassadeurs/mon-foyer/quitter/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        NOT_FOUND,
        NOT_FOUND,
        method="post",
    ),
    "ambassadeurs/<slug:slug>/suivre/": case(
        lambda w: f"/ambassadeurs/{w.ambassador_page.slug}/suivre/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        REDIRECT,
        REDIRECT,
        method="post",
    ),
    "fil/": members_only("/fil/"),
    "fil/commune/": members_only("/fil/commune/"),
    "quartiers/<slug:slug>/": members_only(
        lambda w: f"/quartiers/{w.neighbourhood.slug}/"
    ),
    "quartiers/<slug:slug>/suivre/": members_only(
        lambda w: f"/quartiers/{w.other_neighbourhood.slug}/suivre/",
        REDIRECT,
        method="post",
    ),
    # An empty post: the form again, with its error.
    "publications/nouvelle/": members_only(
        "/publications/nouvelle/", 400, method="post"
    ),
    "publications/<int:post_id>/": members_only(
        lambda w: f"/publications/{w.post.pk}/"
    ),
    # Only the author edits or deletes; only a moderator hides.
    "publications/<int:post_id>/modifier/": case(
        lambda w: f"/publications/{w.post.pk}/modifier/",
        LOGIN,
        OK,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
    ),
    "publications/<int:post_id>/supprimer/": case(
        lambda w: f"/publications/{w.post.pk}/supprimer/",
        LOGIN,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        method="post",
    ),
    "publications/<int:post_id>/masquer/": case(
        lambda w: f"/publications/{w.post.pk}/masquer/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        REDIRECT,
        method="post",
    ),
    "publications/<int:post_id>/reagir/": members_only(
        lambda w: f"/publications/{w.post.pk}/reagir/",
        REDIRECT,
        method="post",
        data={"kind": "like"},
    ),
    "publications/<int:post_id>/commenter/": members_only(
        lambda w: f"/publications/{w.post.pk}/commenter/",
        400,
        method="post",
        data={"body": ""},
    ),
    "commentaires/<int:comment_id>/supprimer/": case(
        lambda w: f"/commentaires/{w.comment.pk}/supprimer/",
        LOGIN,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        method="post",
    ),
    "membres/<int:member_id>/": members_only(lambda w: f"/membres/{w.resident.pk}/"),
    "membres/<int:member_id>/relation/": case(
        lambda w: f"/membres/{w.resident.pk}/relation/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        REDIRECT,
        REDIRECT,
        method="post",
    ),
    "messages/": members_only("/messages/"),
    # A neighbourhood's room: its residents (and no one else).
    "messages/<int:room_id>/": case(
        lambda w: f"/messages/{w.room.pk}/",
        LOGIN,
        OK,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
    ),
    "messages/avec/<int:member_id>/": members_only(
        lambda w: f"/messages/avec/{w.other.pk}/", REDIRECT, method="post"
    ),
    "notifications/": members_only("/notifications/"),
    "notifications/lues/": members_only(
        "/notifications/lues/", REDIRECT, method="post"
    ),
    "notifications/preferences/": members_only("/notifications/preferences/"),
    # A household's own pages: staff accounts have no household.
    "foyer/tableau-de-bord/": case(
        "/foyer/tableau-de-bord/", LOGIN, OK, OK, NOT_FOUND, NOT_FOUND
    ),
    # « Mes compteurs »: a household's own page; a file's preview is its own.
    "foyer/compteurs/": case("/foyer/compteurs/", LOGIN, OK, OK, NOT_FOUND, NOT_FOUND),
    "foyer/compteurs/fichier/": case(
        "/foyer/compteurs/fichier/", LOGIN, REDIRECT, REDIRECT, NOT_FOUND, NOT_FOUND
    ),
    "foyer/compteurs/fichier/<uuid:upload_id>/": case(
        lambda w: f"/foyer/compteurs/fichier/{_meter_upload(w).pk}/",
        LOGIN,
        OK,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
    ),
    "foyer/compteurs/index/": case(
        "/foyer/compteurs/index/", LOGIN, REDIRECT, REDIRECT, NOT_FOUND, NOT_FOUND
    ),
    "recompenses/": case("/recompenses/", LOGIN, OK, OK, NOT_FOUND, NOT_FOUND),
    "recompenses/<int:reward_id>/echanger/": case(
        lambda w: f"/recompenses/{w.reward.pk}/echanger/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        NOT_FOUND,
        NOT_FOUND,
        method="post",
    ),
    "recompenses/mes-bons/": case(
        "/recompenses/mes-bons/", LOGIN, OK, OK, NOT_FOUND, NOT_FOUND
    ),
    # A shop's page: whoever holds its secret token, signed in or not.
    "commercant/<str:token>/": everyone(lambda w: f"/commercant/{w.shop.token}/", OK),
    # Residents' data (mydata): each member's own, so nobody else's to see.
    "mes-donnees/": members_only("/mes-donnees/"),
    "mes-donnees/archive/": members_only(
        "/mes-donnees/archive/", REDIRECT, method="post"
    ),
    # Another member's archive and an unknown one answer alike.
    "mes-donnees/archive/<uuid:export_id>/": members_only(
        f"/mes-donnees/archive/{uuid.UUID(int=UNKNOWN)}/", NOT_FOUND
    ),
    "mes-donnees/consentements/": members_only("/mes-donnees/consentements/"),
    "mes-donnees/supprimer-mon-compte/": members_only(
        "/mes-donnees/supprimer-mon-compte/"
    ),
    "mes-donnees/confidentialite/": everyone("/mes-donnees/confidentialite/", OK),
    # Moderation (the residents' side; the queue lives in the admin).
    "signaler/<str:kind>/<int:object_id>/": members_only(
        lambda w: f"/signaler/post/{w.post.pk}/"
    ),
    "moderation/decisions/<int:decision_id>/": members_only(
        f"/moderation/decisions/{UNKNOWN}/", NOT_FOUND
    ),
    # Citizen reports (docs/reports.md): public to read, members to write.
    "signalements/": everyone("/signalements/", OK),
    "signalements/<int:report_id>/": everyone(
        lambda w: f"/signalements/{w.report.pk}/", OK
    ),
    "signalements/nouveau/": members_only("/signalements/nouveau/"),
    "signalements/nouveau/details/": members_only("/signalements/nouveau/details/"),
    "signalements/<int:report_id>/moi-aussi/": members_only(
        lambda w: f"/signalements/{w.report.pk}/moi-aussi/", REDIRECT, method="post"
    ),
    "signalements/<int:report_id>/suivre/": members_only(
        lambda w: f"/signalements/{w.report.pk}/suivre/",
        REDIRECT,
        method="post",
        data={"follow": "1"},
    ),
    "signalements/<int:report_id>/precision/": members_only(
        lambda w: f"/signalements/{w.report.pk}/precision/",
        REDIRECT,
        method="post",
        data={"note": "Toujours là.", "client_key": "matrice"},
    ),
    "carte/": everyone("/carte/", OK),
    "carte/signalements.geojson": everyone("/carte/signalements.geojson", OK),
    # Open311 GeoReport v2: public reads; filing needs a key (none here).
    "open311/v2/^discovery\\.(?P<fmt>[A-Za-z0-9]{1,10})$": everyone(
        "/open311/v2/discovery.json", OK
    ),
    "open311/v2/^services\\.(?P<fmt>[A-Za-z0-9]{1,10})$": everyone(
        "/open311/v2/services.xml", OK
    ),
    "open311/v2/^services/(?P<code>[A-Za-z0-9_-]{1,40})\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (  # noqa: E501
        everyone("/open311/v2/services/eclairage.json", OK)
    ),
    "open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (
        everyone("/open311/v2/requests.json", OK),
        everyone("/open311/v2/requests.json", FORBIDDEN, method="post"),
    ),
    "open311/v2/^requests/(?P<report_id>[0-9]{1,9})\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (
        everyone(lambda w: f"/open311/v2/requests/{w.report.pk}.json", OK)
    ),
    "open311/v2/^tokens/(?P<token>[0-9A-Fa-f-]{1,40})\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (
        everyone(lambda w: f"/open311/v2/tokens/{w.report.token}.xml", OK)
    ),
    # The town's sensors: public pages; values come in with a sensor key only.
    "capteurs/": everyone("/capteurs/", OK),
    "capteurs/<int:sensor_id>/": everyone(lambda w: f"/capteurs/{w.sensor.pk}/", OK),
    "api/sensors/v1/readings": everyone("/api/sensors/v1/readings", 401, method="post"),
    # Web push (push/): a member's own devices and push choices; another
    # member's device is not found.
    "notifications/appareils/": members_only("/notifications/appareils/"),
    "notifications/appareils/<int:device_id>/supprimer/": (
        case(
            lambda w: f"/notifications/appareils/{_push_device(w).pk}/supprimer/",
            LOGIN,
            REDIRECT,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            method="post",
        ),
        everyone(
            lambda w: f"/notifications/appareils/{_push_device(w).pk}/supprimer/",
            NOT_ALLOWED,
        ),
    ),
    # A JSON door: anonymous 403; a member's empty body is refused (400).
    "notifications/appareils/abonnement/": case(
        "/notifications/appareils/abonnement/",
        FORBIDDEN,
        400,
        400,
        400,
        400,
        method="post",
    ),
    "notifications/push/": (
        members_only(
            "/notifications/push/", REDIRECT, method="post", data={"message": "on"}
        ),
        everyone("/notifications/push/", NOT_ALLOWED),
    ),
    # Grid alerts: each member opts in or out for themselves.
    "alertes-reseau/": (
        members_only("/alertes-reseau/"),
        members_only(
            "/alertes-reseau/", REDIRECT, method="post", data={"wanted": "on"}
        ),
    ),
    # The installable app: its manifest, service worker and offline page are
    # public and hold no member's data.
    "manifest.webmanifest": everyone("/manifest.webmanifest", OK),
    "sw.js": everyone("/sw.js", OK),
    "hors-ligne/": everyone("/hors-ligne/", OK),
    # Domains first (issue 18): a member of the household changes its choice.
    "foyers/<str:public_id>/domaines/": (
        case(
            lambda w: f"/foyers/{w.household.public_id}/domaines/",
            LOGIN,
            REDIRECT,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            method="post",
            data={"domains": ["water"]},
        ),
        everyone(lambda w: f"/foyers/{w.household.public_id}/domaines/", NOT_ALLOWED),
    ),
    # Events: public pages and calendars; households register; the organiser
    # (the resident) and the town's moderators see the attendees.
    "evenements/calendrier.ics": everyone("/evenements/calendrier.ics", OK),
    "evenements/<int:event_id>/evenement.ics": everyone(
        lambda w: f"/evenements/{life.event(w).pk}/evenement.ics", OK
    ),
    # Shops and producers: a public directory; buying local is a member's;
    # a receipt is its household's and the moderators'.
    "commerces/": everyone("/commerces/", OK),
    "commerces/carte/": everyone("/commerces/carte/", OK),
    "commerces/de-saison/": everyone("/commerces/de-saison/", OK),
    "commerces/<int:business_id>/": everyone(
        lambda w: f"/commerces/{life.business(w).pk}/", OK
    ),
    "commerces/achat-local/": members_only("/commerces/achat-local/"),
    "commerces/achats/<int:purchase_id>/ticket/": case(
        lambda w: f"/commerces/achats/{life.purchase(w).pk}/ticket/",
        NOT_FOUND,
        OK,
        NOT_FOUND,
        NOT_FOUND,
        OK,
    ),
    # Car-pooling: members only; the resident's offer matches the other's
    # request; the other proposed yesterday's ride, the resident confirms.
    "covoiturage/": members_only("/covoiturage/"),
    "covoiturage/proposer/": members_only("/covoiturage/proposer/"),
    "covoiturage/mes-trajets/": members_only("/covoiturage/mes-trajets/"),
    "covoiturage/<int:trip_id>/": members_only(
        lambda w: f"/covoiturage/{life.trip(w).pk}/"
    ),
    "covoiturage/<int:trip_id>/fermer/": (
        case(
            lambda w: f"/covoiturage/{life.trip(w).pk}/fermer/",
            LOGIN,
            REDIRECT,
            FORBIDDEN,
            FORBIDDEN,
            FORBIDDEN,
            method="post",
        ),
        everyone(lambda w: f"/covoiturage/{life.trip(w).pk}/fermer/", NOT_ALLOWED),
    ),
    "covoiturage/correspondances/<int:match_id>/trajet-fait/": case(
        lambda w: f"/covoiturage/correspondances/{life.match(w).pk}/trajet-fait/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        NOT_FOUND,
        NOT_FOUND,
        method="post",
        data={"date": life.YESTERDAY.isoformat()},
    ),
    # The proposer is sent back with a message; a third member is refused.
    "covoiturage/trajets-faits/<int:ride_id>/confirmer/": case(
        lambda w: f"/covoiturage/trajets-faits/{life.ride(w).pk}/confirmer/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        method="post",
    ),
    # The local channel: public; members propose a video.
    "tele-locale/proposer/": case(
        lambda w: life.propose_video_path(w), LOGIN, OK, OK, OK, OK
    ),
    # Questions to the référents: the town's members; the resident asked,
    # the other (the energy référent) answered.
    "questions/": members_only("/questions/"),
    "questions/poser/": members_only("/questions/poser/"),
    "questions/<int:pk>/": members_only(lambda w: f"/questions/{life.question(w).pk}/"),
    "questions/<int:pk>/repondre/": (
        members_only(
            lambda w: f"/questions/{life.question(w).pk}/repondre/",
            REDIRECT,
            method="post",
            data={"body": "Un thermostat programmable."},
        ),
        everyone(lambda w: f"/questions/{life.question(w).pk}/repondre/", NOT_ALLOWED),
    ),
    # Only the asker marks the solution; only moderators make it a tip.
    "questions/reponses/<int:pk>/solution/": case(
        lambda w: f"/questions/reponses/{life.answer(w).pk}/solution/",
        LOGIN,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        method="post",
    ),
    # The answer's writer is sent back with a message.
    "questions/reponses/<int:pk>/aide/": members_only(
        lambda w: f"/questions/reponses/{life.answer(w).pk}/aide/",
        REDIRECT,
        method="post",
    ),
    "questions/<int:pk>/astuce/": case(
        lambda w: f"/questions/{life.question(w).pk}/astuce/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        REDIRECT,
        method="post",
    ),
    # Served by Django only with DEBUG on (`make run`); never in production.
    "^media/(?P<path>.*)$": everyone("/media/inconnu.jpg", NOT_FOUND),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        everyone(f"/_util/authenticate_with_password/{UNKNOWN}/{UNKNOWN}/", NOT_FOUND)
    ),
    "_util/login/": everyone("/_util/login/", OK),
    # Wagtail's pages: the town's home page is public.
    "^((?:[\\w\\-]+/)*)$": everyone("/", OK),
    # Sub-page routes of routable pages ("<Model>:<route>").
    "TipIndexPage:": everyone("/astuces/", OK),
    "TipIndexPage:proposer/": members_only("/astuces/proposer/"),
    "TipPage:": everyone(lambda w: w.tip.url, OK),
    "TipPage:fait/": members_only(
        lambda w: w.tip.url + "fait/", REDIRECT, method="post"
    ),
    "TipPage:commenter/": members_only(
        lambda w: w.tip.url + "commenter/", 400, method="post"
    ),
    "TipPage:utile/": members_only(
        lambda w: w.tip.url + "utile/", REDIRECT, method="post"
    ),
    "EventIndexPage:": everyone(lambda w: life.event_index(w).url, OK),
    "EventIndexPage:proposer/": members_only(
        lambda w: life.event_index(w).url + "proposer/"
    ),
    "EventPage:": everyone(lambda w: life.event(w).url, OK),
    "EventPage:inscription/": (
        case(
            lambda w: life.event(w).url + "inscription/",
            LOGIN,
            REDIRECT,
            REDIRECT,
            REDIRECT,
            REDIRECT,
            method="post",
            data={"people": "1"},
        ),
        everyone(lambda w: life.event(w).url + "inscription/", NOT_ALLOWED),
    ),
    # Staff accounts have no household: nothing of theirs to cancel.
    "EventPage:annulation/": case(
        lambda w: life.event(w).url + "annulation/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        method="post",
    ),
    "EventPage:participants/": case(
        lambda w: life.event(w).url + "participants/",
        LOGIN,
        OK,
        FORBIDDEN,
        FORBIDDEN,
        OK,
    ),
    "EventPage:participants/<int:registration_id>/presence/": case(
        lambda w: (
            life.event(w).url + f"participants/{life.registration(w).pk}/presence/"
        ),
        LOGIN,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        REDIRECT,
        method="post",
    ),
    "ChannelPage:": everyone(lambda w: life.channel(w).url, OK),
    "ChannelPage:mode-tele/": everyone(
        lambda w: life.channel(w).url + "mode-tele/", OK
    ),
    "ChallengePage:": everyone(lambda w: w.challenge.url, OK),
    # Households take part; staff accounts have none.
    "ChallengePage:participer/": case(
        lambda w: w.challenge.url + "participer/",
        LOGIN,
        REDIRECT,
        REDIRECT,
        FORBIDDEN,
        FORBIDDEN,
        method="post",
    ),
    "ChallengePage:quitter/": members_only(
        lambda w: w.challenge.url + "quitter/", REDIRECT, method="post"
    ),
    # "J'ai agi": households that joined the challenge (the resident did).
    "ChallengePage:j-ai-agi/": case(
        lambda w: w.challenge.url + "j-ai-agi/",
        LOGIN,
        OK,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
    ),
    "ChallengePage:fil/": members_only(lambda w: w.challenge.url + "fil/"),
    "ChallengePage:classement/": members_only(
        lambda w: w.challenge.url + "classement/"
    ),
    "ChallengePage:a-confirmer/": case(
        lambda w: w.challenge.url + "a-confirmer/",
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
        FORBIDDEN,
    ),
    "ChallengePage:a-confirmer/<int:action_id>/": case(
        lambda w: w.challenge.url + f"a-confirmer/{UNKNOWN}/",
        LOGIN,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        method="post",
    ),
}

DEBUG_ONLY = {"^media/(?P<path>.*)$"}

# Wagtail's admin, swept pattern by pattern (see `test_the_admin_is_closed_…`);
# these few views of it are open to anyone, as Wagtail means them to be.
ADMIN_PREFIX = "admin/"
ADMIN_OPEN = {
    "admin/login/",
    "admin/password_reset/",
    "admin/password_reset/done/",
    "admin/password_reset/confirm/<uidb64>/<token>/",
    "admin/password_reset/complete/",
    # The admin's SVG icons: static, the same for everyone.
    "admin/sprite/",
    "admin/logout/",
    "admin/jsi18n/",
}


def walk(resolver: URLResolver, prefix: str = ""):
    """Every (route, pattern) of a resolver, includes expanded."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def site_routes() -> dict[str, str]:
    """Route -> a description of its view, for every URL outside the admin."""
    routes = {}
    for route, pattern in walk(get_resolver()):
        if route.startswith(ADMIN_PREFIX):
            continue
        callback = pattern.callback
        view = getattr(callback, "view_class", callback)
        routes[route] = f"{view.__module__}.{view.__qualname__} (name={pattern.name!r})"
    for model in get_page_models():
        if not issubclass(model, RoutablePageMixin):
            continue
        for pattern in model.get_subpage_urls():
            routes[f"{model.__name__}:{pattern.pattern}"] = (
                f"{model.__module__}.{model.__name__}, route {pattern.name!r}"
            )
    return routes


def test_every_url_pattern_has_an_entry():
    routes = site_routes()
    missing = sorted(set(routes) - set(MATRIX))
    message = "\n".join(
        f"  {route!r}: case(lambda w: '/…/', anonymous, resident, other, "
        f"ambassador, moderator),  # {routes[route]}"
        for route in missing
    )
    assert not missing, (
        "These URL patterns have no entry in MATRIX of "
        "tests/security/test_permission_matrix.py. Add one per pattern, with "
        "the URL to request (build it from the World of tests/security/"
        "conftest.py) and what each role must get (OK, LOGIN, REDIRECT, "
        "FORBIDDEN, NOT_FOUND…):\n" + message
    )
    stale = sorted(set(MATRIX) - set(routes) - DEBUG_ONLY)
    assert not stale, f"MATRIX entries for URL patterns that are gone: {stale}"


def outcome_of(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/compte/connexion/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


_clients: dict[int | None, Client] = {}


def request_as(user, method: str, url: str, data: dict):
    # One signed-in client per user for reading; a POST (logout among them)
    # gets a client of its own.
    key = None if user is None else user.pk
    client = _clients.get(key) if method == "get" else None
    if client is None:
        client = Client()
        if user is not None:
            client.force_login(user)
        if method == "get":
            _clients[key] = client
    # Whatever a POST changes is rolled back before the next request.
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


@pytest.fixture(autouse=True)
def fresh_clients():
    _clients.clear()
    yield
    _clients.clear()


def test_each_role_gets_what_the_matrix_says(world: World):
    wrong = []
    for route, cases in MATRIX.items():
        for expected_case in cases if isinstance(cases, tuple) else (cases,):
            url = expected_case.url(world)
            for role, expected in zip(ROLES, expected_case.expect, strict=True):
                response = request_as(
                    world.user(role), expected_case.method, url, expected_case.data
                )
                got = outcome_of(response)
                if got != expected:
                    wrong.append(
                        f"{route!r} {expected_case.method.upper()} {url} as {role}: "
                        f"expected {expected}, got {got}"
                    )
    assert not wrong, "\n".join(wrong)


CONVERTER_SAMPLES = {
    "int": str(UNKNOWN),
    "str": "inconnu",
    "slug": "inconnu",
    "path": "inconnu/chemin",
    "uuid": str(uuid.UUID(int=7)),
    None: "inconnu",
}
_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?\w+>")


def sample_path(route: str) -> str:
    """A concrete path for an admin route, unknown ids in place of converters."""
    if route.startswith("^") or "^" in route or "(?P" in route:
        # A regular expression: keep its literal head, which the admin's
        # access check sees before any view looks the object up.
        route = re.split(r"[\^(\[\\]", route.replace("^", "", 1), maxsplit=1)[0]
    return "/" + _CONVERTER.sub(
        lambda match: CONVERTER_SAMPLES.get(match["kind"], "inconnu"), route
    ).replace("$", "")


def admin_routes() -> list[str]:
    return sorted(
        route for route, _ in walk(get_resolver()) if route.startswith(ADMIN_PREFIX)
    )


def test_the_admin_is_closed_to_anonymous_visitors_and_residents(world: World):
    routes = admin_routes()
    assert len(routes) > 100, "the walk should see all of Wagtail's admin"
    wrong = []
    for route in routes:
        if route in ADMIN_OPEN:
            continue
        url = sample_path(route)
        for role in ("anonymous", "resident"):
            got = outcome_of(request_as(world.user(role), "get", url, {}))
            # A resident is signed in but may not enter: Wagtail sends them to
            # its login page too (with a message), never to the view.
            if got not in (ADMIN_LOGIN, NOT_FOUND):
                wrong.append(f"{route!r} GET {url} as {role}: got {got}")
    assert not wrong, "\n".join(wrong)


def test_moderators_enter_the_admin_and_ambassadors_do_not(world: World):
    # A moderator's pages start at their town (roles are per town): the
    # explorer's root sends them there.
    explorer = request_as(world.moderator, "get", "/admin/pages/", {})
    assert explorer.status_code == 302
    assert explorer.url == f"/admin/pages/{world.town.pk}/"
    for url in ("/admin/", "/admin/pages/", f"/admin/pages/{world.town.pk}/"):
        if url != "/admin/pages/":
            assert outcome_of(request_as(world.moderator, "get", url, {})) == OK, url
        assert outcome_of(request_as(world.ambassador, "get", url, {})) in (
            ADMIN_LOGIN,
            OK,
        ), url


# Websocket streams: what `subscribe` answers, per kind and role. "ok" means
# the server's read check lets the user in; anonymous sockets are closed at
# connect (tests/realtime/test_consumer.py), so they never reach a check.
STREAMS: dict[str, tuple[Callable[[World], int], tuple]] = {
    # kind: (the object id, (resident, other, ambassador, moderator))
    groups.TOWN: (lambda w: w.town.pk, (True, True, True, True)),
    groups.NEIGHBOURHOOD: (lambda w: w.neighbourhood.pk, (True, True, True, True)),
    groups.USER: (lambda w: w.resident.user.pk, (True, False, False, False)),
    groups.ROOM: (lambda w: w.room.pk, (True, False, False, False)),
    groups.DM: (lambda w: w.dm.pk, (True, True, False, False)),
    groups.CHALLENGE: (lambda w: w.challenge.pk, (True, True, True, True)),
    groups.LEADERBOARD: (lambda w: w.challenge.pk, (True, True, True, True)),
    # A town's reports and sensors: every member of the town, and its staff.
    groups.REPORTS: (lambda w: w.town.pk, (True, True, True, True)),
    groups.SENSORS: (lambda w: w.town.pk, (True, True, True, True)),
}


def test_every_stream_kind_has_an_entry():
    missing = sorted(groups.KINDS - set(STREAMS))
    assert not missing, (
        f"Stream kinds {missing} have no entry in STREAMS of "
        "tests/security/test_permission_matrix.py: add `kind: (lambda w: <object "
        "id>, (resident, other, ambassador, moderator))` with True where the "
        "role may subscribe."
    )
    unserved = sorted(set(STREAMS) - streams.registered_kinds())
    assert not unserved, f"Kinds in STREAMS that no app registers: {unserved}"


@pytest.mark.parametrize("kind", sorted(STREAMS))
def test_each_role_may_subscribe_to_what_the_matrix_says(world: World, kind: str):
    object_id, expected = STREAMS[kind]
    check = streams.read_check(kind)
    got = tuple(
        check(world.user(role), object_id(world))
        for role in ("resident", "other", "ambassador", "moderator")
    )
    assert got == expected
    # An object that does not exist is refused, never an error.
    assert check(world.resident.user, UNKNOWN) is False


def test_a_page_of_another_town_is_not_served_here(world: World):
    """A second site's page never answers on this one (towns stay apart)."""
    from tests.factories import make_town

    other_town = make_town("Autre-Commune", hostname="autre-commune.test")
    assert Page.objects.filter(pk=other_town.pk).exists()
    response = request_as(world.resident.user, "get", f"/{other_town.slug}/", {})
    assert response.status_code == NOT_FOUND
