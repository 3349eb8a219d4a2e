"""Cross-town matrix: nothing of town B is read or written by anyone of town A.

Two towns on one deployment (tests/security/conftest.py `build_cross_town`):
A on the default site, B on its own hostname, each with an object of every
kind, B's names and texts carrying `B_MARKER`. Every role of town A (a
resident, an ambassador, a moderator, a service agent, a town administrator,
roles granted per town) requests every URL pattern of the project, on A's
host, with B's ids:

- the site's patterns (`SITE`), each exercised by the URLs and methods of the
  per-town matrix (tests/security/test_permission_matrix.py `MATRIX`) built
  from town B's objects, or by the probes written here, or listed as holding
  no town data;
- the Wagtail admin's patterns, snippet and model viewsets included (`ADMIN`:
  a route or a viewset's prefix, and how its ids are filled with B's);
- the websocket streams of the stream registry (`STREAMS`), subscribed to
  through a real websocket with B's ids.

What must hold: no answer carries any of B's markers (names, texts, public
ids, invitation codes); the admin's pages of one of B's rows answer 404, 403
or a redirect; after a POST, B's rows (and every row pointing at them) are
unchanged; every subscribe to one of B's streams answers `forbidden`.

A pattern, viewset or stream kind missing from the tables fails
`test_every_*_has_an_entry` with the entry to add.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from channels.db import database_sync_to_async
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from django.urls import get_resolver

from realtime import groups, streams
from tests.security import local_life as life
from tests.security.conftest import B_MARKER, CrossTown, build_cross_town
from tests.security.test_permission_matrix import (
    ADMIN_PREFIX,
    MATRIX,
    UNKNOWN,
    _meter_upload,
    _push_device,
    site_routes,
    walk,
)

ROLES = ("resident", "ambassador", "moderator", "service", "town_admin")


@dataclass(frozen=True)
class Probe:
    """One request: its URL built from the two towns, its method and data."""

    url: Callable[[CrossTown], str]
    method: str = "get"
    data: dict = field(default_factory=dict)

    def fill(self, town: "CrossTown") -> dict:
        return {
            key: value(town) if callable(value) else value
            for key, value in self.data.items()
        }


@dataclass(frozen=True)
class NoTownData:
    """A pattern that reads and writes nothing of any town (why, in words)."""

    why: str


FROM_TOWN_MATRIX = "from the per-town MATRIX, with town B's objects"


def probe(url, method="get", **data) -> Probe:
    """A request to make; a value of `data` may be `lambda t: …` (B's ids)."""
    if isinstance(url, str):
        fixed = url
        url = lambda t: fixed  # noqa: E731
    return Probe(url, method, data)


def page_path(page) -> str:
    """A page's path inside its own site: asked on A's host, with B's slugs."""
    return page.get_url_parts()[2]


# Every pattern outside the admin. FROM_TOWN_MATRIX: the per-town matrix's
# requests, built from B's objects; Probe(s): the requests written here.
SITE: dict[str, str | NoTownData | tuple[Probe, ...]] = {
    "healthz": NoTownData("the service's health, no row"),
    "favicon.ico": NoTownData("a static file"),
    "api/scoring/v1/": FROM_TOWN_MATRIX,
    "api/scoring/v1/households/<str:household_id>": FROM_TOWN_MATRIX,
    "api/scoring/v1/households/<str:household_id>/points": FROM_TOWN_MATRIX,
    "api/scoring/v1/households/<str:household_id>/sensors": FROM_TOWN_MATRIX,
    "api/scoring/v1/households/<str:household_id>/readings": FROM_TOWN_MATRIX,
    "api/scoring/v1/neighbourhoods/<int:neighbourhood_id>/summary": FROM_TOWN_MATRIX,
    "api/scoring/v1/leaderboards/<int:challenge_id>": FROM_TOWN_MATRIX,
    "api/scoring/v1/actions": (
        probe(
            "/api/scoring/v1/actions",
            "post",
        ),
    ),
    "api/scoring/v1/confirmations": FROM_TOWN_MATRIX,
    "api/scoring/v1/redemptions": FROM_TOWN_MATRIX,
    "api/scoring/v1/sensors/readings": FROM_TOWN_MATRIX,
    "api/scoring/v1/towns/<int:town_id>/sensors": FROM_TOWN_MATRIX,
    "api/scoring/v1/^(?P<rest>.*)$": NoTownData("unknown API paths: 404"),
    "documents/^(\\d+)/(.*)$": NoTownData("no document in either town"),
    "documents/authenticate_with_password/<int:restriction_id>/": NoTownData(
        "no restricted document in either town"
    ),
    "search/": (
        # Not the marker itself: the results page repeats the query.
        probe("/search/?q=Lilas"),
        probe("/search/?q=quartier"),
        probe("/search/?q=casseroles"),
    ),
    "search/suggest": (probe("/search/suggest?q=Zorg"), probe("/search/suggest?q=cas")),
    "compte/inscription/": NoTownData("sign-up form of the request's town"),
    "compte/connexion/": NoTownData("login form"),
    "compte/deconnexion/": NoTownData("logout"),
    "compte/profil/": FROM_TOWN_MATRIX,
    "compte/langue/": NoTownData("the member's own language"),
    "compte/mot-de-passe/oubli/": NoTownData("password reset form"),
    "compte/mot-de-passe/oubli/envoye/": NoTownData("password reset"),
    "compte/mot-de-passe/nouveau/<uidb64>/<token>/": NoTownData(
        "a signed token, not an id"
    ),
    "compte/mot-de-passe/termine/": NoTownData("password reset"),
    "bienvenue/": FROM_TOWN_MATRIX,
    "bienvenue/<slug:slug>/": FROM_TOWN_MATRIX,
    "foyer/": FROM_TOWN_MATRIX,
    "foyers/<str:public_id>/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/visites/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/visites/nouvelle/": (
        probe("/ambassadeurs/tournee/visites/nouvelle/"),
        probe(
            lambda t: (
                "/ambassadeurs/tournee/visites/nouvelle/"
                f"?neighbourhood={t.b.neighbourhood.pk}"
            )
        ),
    ),
    "ambassadeurs/tournee/visites/<int:visit_id>/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/rappels/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/foyers/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/foyers/nouveau/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/foyers/<str:public_id>/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/foyers/<str:public_id>/carte/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/foyers/<str:public_id>/index/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/couverture/": FROM_TOWN_MATRIX,
    "ambassadeurs/tournee/couverture.csv": FROM_TOWN_MATRIX,
    "ambassadeurs/mon-foyer/": FROM_TOWN_MATRIX,
    "ambassadeurs/mon-foyer/actions/<int:action_id>/contester/": FROM_TOWN_MATRIX,
    "ambassadeurs/mon-foyer/quitter/": NoTownData("the member's own household"),
    "ambassadeurs/<slug:slug>/suivre/": FROM_TOWN_MATRIX,
    "fil/": FROM_TOWN_MATRIX,
    "fil/commune/": FROM_TOWN_MATRIX,
    "quartiers/<slug:slug>/": FROM_TOWN_MATRIX,
    "quartiers/<slug:slug>/suivre/": FROM_TOWN_MATRIX,
    "publications/nouvelle/": (
        probe(
            "/publications/nouvelle/",
            "post",
            body="Chez B ?",
            neighbourhood="",
            client_key="croise-1",
        ),
    ),
    "publications/<int:post_id>/": FROM_TOWN_MATRIX,
    "publications/<int:post_id>/modifier/": (
        probe(lambda t: f"/publications/{t.b.post.pk}/modifier/"),
        probe(
            lambda t: f"/publications/{t.b.post.pk}/modifier/", "post", body="Changé"
        ),
    ),
    "publications/<int:post_id>/supprimer/": FROM_TOWN_MATRIX,
    "publications/<int:post_id>/masquer/": FROM_TOWN_MATRIX,
    "publications/<int:post_id>/reagir/": FROM_TOWN_MATRIX,
    "publications/<int:post_id>/commenter/": (
        probe(
            lambda t: f"/publications/{t.b.post.pk}/commenter/",
            "post",
            body="Un mot de A",
            client_key="croise-2",
        ),
    ),
    "commentaires/<int:comment_id>/supprimer/": FROM_TOWN_MATRIX,
    "membres/<int:member_id>/": FROM_TOWN_MATRIX,
    "membres/<int:member_id>/relation/": (
        probe(
            lambda t: f"/membres/{t.b.resident.pk}/relation/", "post", action="follow"
        ),
    ),
    "messages/": FROM_TOWN_MATRIX,
    "messages/<int:room_id>/": (
        probe(lambda t: f"/messages/{t.b.room.pk}/"),
        probe(
            lambda t: f"/messages/{t.b.room.pk}/",
            "post",
            body="Message de A",
            client_key="croise-3",
        ),
        probe(lambda t: f"/messages/{t.b.dm.pk}/"),
    ),
    "messages/avec/<int:member_id>/": FROM_TOWN_MATRIX,
    "notifications/": FROM_TOWN_MATRIX,
    "notifications/lues/": FROM_TOWN_MATRIX,
    "notifications/preferences/": FROM_TOWN_MATRIX,
    "foyer/tableau-de-bord/": FROM_TOWN_MATRIX,
    "recompenses/": FROM_TOWN_MATRIX,
    "recompenses/<int:reward_id>/echanger/": FROM_TOWN_MATRIX,
    "recompenses/mes-bons/": FROM_TOWN_MATRIX,
    # A shop's page is its token's bearer's, whatever the town (the token is a
    # secret handed to the shop): asked here with an unknown token only.
    "commercant/<str:token>/": (probe("/commercant/jeton-inconnu/"),),
    "signaler/<str:kind>/<int:object_id>/": (
        probe(lambda t: f"/signaler/post/{t.b.post.pk}/"),
        probe(lambda t: f"/signaler/comment/{t.b.comment.pk}/"),
        probe(
            lambda t: f"/signaler/post/{t.b.post.pk}/", "post", reason="spam", text=""
        ),
    ),
    "moderation/decisions/<int:decision_id>/": (
        probe(lambda t: f"/moderation/decisions/{t.b_decision.pk}/"),
        probe(
            lambda t: f"/moderation/decisions/{t.b_decision.pk}/",
            "post",
            text="Recours de A",
        ),
    ),
    "mes-donnees/": FROM_TOWN_MATRIX,
    "mes-donnees/archive/": NoTownData("the member's own archive"),
    "mes-donnees/archive/<uuid:export_id>/": FROM_TOWN_MATRIX,
    "mes-donnees/consentements/": FROM_TOWN_MATRIX,
    "mes-donnees/supprimer-mon-compte/": NoTownData("the member's own account"),
    "mes-donnees/confidentialite/": NoTownData("the privacy notice"),
    "foyer/compteurs/": FROM_TOWN_MATRIX,
    "foyer/compteurs/fichier/": NoTownData("the member's own household's file"),
    "foyer/compteurs/fichier/<uuid:upload_id>/": FROM_TOWN_MATRIX,
    "foyer/compteurs/index/": NoTownData("the member's own household's meter"),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        probe(lambda t: f"/_util/authenticate_with_password/{UNKNOWN}/{t.b.tip.pk}/"),
    ),
    "_util/login/": NoTownData("Wagtail's front-end login"),
    # Wagtail's pages, asked on A's host with B's paths.
    "^((?:[\\w\\-]+/)*)$": (
        probe(lambda t: page_path(t.b.tip)),
        probe(lambda t: page_path(t.b.challenge)),
        probe(lambda t: page_path(t.b.ambassador_page)),
        probe(lambda t: f"/{t.b.town.slug}/"),
    ),
    "TipIndexPage:": (probe(lambda t: page_path(t.b.tip_index)),),
    "TipIndexPage:proposer/": (
        probe(lambda t: page_path(t.b.tip_index) + "proposer/"),
    ),
    "TipPage:": (probe(lambda t: page_path(t.b.tip)),),
    "TipPage:fait/": (probe(lambda t: page_path(t.b.tip) + "fait/", "post"),),
    "TipPage:commenter/": (
        probe(lambda t: page_path(t.b.tip) + "commenter/", "post", body="De A"),
    ),
    "TipPage:utile/": (probe(lambda t: page_path(t.b.tip) + "utile/", "post"),),
    "ChallengePage:": (probe(lambda t: page_path(t.b.challenge)),),
    "ChallengePage:participer/": (
        probe(lambda t: page_path(t.b.challenge) + "participer/", "post"),
    ),
    "ChallengePage:quitter/": (
        probe(lambda t: page_path(t.b.challenge) + "quitter/", "post"),
    ),
    "ChallengePage:j-ai-agi/": (
        probe(lambda t: page_path(t.b.challenge) + "j-ai-agi/"),
    ),
    "ChallengePage:fil/": (probe(lambda t: page_path(t.b.challenge) + "fil/"),),
    "ChallengePage:classement/": (
        probe(lambda t: page_path(t.b.challenge) + "classement/"),
    ),
    "ChallengePage:a-confirmer/": (
        probe(lambda t: page_path(t.b.challenge) + "a-confirmer/"),
    ),
    "ChallengePage:a-confirmer/<int:action_id>/": FROM_TOWN_MATRIX,
    # Citizen reports, the map, Open311 and the town's sensors (issue 16).
    "signalements/": FROM_TOWN_MATRIX,
    "signalements/<int:report_id>/": FROM_TOWN_MATRIX,
    "signalements/nouveau/": FROM_TOWN_MATRIX,
    "signalements/nouveau/details/": (
        probe(
            lambda t: (
                "/signalements/nouveau/details/"
                f"?category={t.b.report_category.pk}&address=ici"
            )
        ),
        probe(
            "/signalements/nouveau/details/",
            "post",
            category=lambda t: t.b.report_category.pk,
            address="1 rue de B",
            description="Chez B ?",
            client_key="croise-signalement",
        ),
    ),
    "signalements/<int:report_id>/moi-aussi/": FROM_TOWN_MATRIX,
    "signalements/<int:report_id>/suivre/": FROM_TOWN_MATRIX,
    "signalements/<int:report_id>/precision/": FROM_TOWN_MATRIX,
    "carte/": (
        probe("/carte/"),
        probe(lambda t: f"/carte/?category={t.b.report_category.pk}"),
    ),
    "carte/signalements.geojson": FROM_TOWN_MATRIX,
    "open311/v2/^discovery\\.(?P<fmt>[A-Za-z0-9]{1,10})$": FROM_TOWN_MATRIX,
    "open311/v2/^services\\.(?P<fmt>[A-Za-z0-9]{1,10})$": FROM_TOWN_MATRIX,
    "open311/v2/^services/(?P<code>[A-Za-z0-9_-]{1,40})\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (  # noqa: E501
        FROM_TOWN_MATRIX
    ),
    "open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]{1,10})$": FROM_TOWN_MATRIX,
    "open311/v2/^requests/(?P<report_id>[0-9]{1,9})\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (
        FROM_TOWN_MATRIX
    ),
    "open311/v2/^tokens/(?P<token>[0-9A-Fa-f-]{1,40})\\.(?P<fmt>[A-Za-z0-9]{1,10})$": (
        FROM_TOWN_MATRIX
    ),
    "capteurs/": FROM_TOWN_MATRIX,
    "capteurs/<int:sensor_id>/": FROM_TOWN_MATRIX,
    "api/sensors/v1/readings": FROM_TOWN_MATRIX,
    "manifest.webmanifest": FROM_TOWN_MATRIX,
    "sw.js": FROM_TOWN_MATRIX,
    "hors-ligne/": FROM_TOWN_MATRIX,
    "notifications/appareils/": FROM_TOWN_MATRIX,
    # B's resident's phone: A's people may neither see nor remove it.
    "notifications/appareils/<int:device_id>/supprimer/": FROM_TOWN_MATRIX,
    "notifications/appareils/abonnement/": (
        probe(
            "/notifications/appareils/abonnement/",
            "post",
        ),
    ),
    "notifications/push/": FROM_TOWN_MATRIX,
    "alertes-reseau/": FROM_TOWN_MATRIX,
    # Local life (issue 18): B's household's domains, events, shops and
    # producers, car-pooling and channel, asked on A's host.
    "foyers/<str:public_id>/domaines/": FROM_TOWN_MATRIX,
    "EventIndexPage:": FROM_TOWN_MATRIX,
    "EventIndexPage:proposer/": FROM_TOWN_MATRIX,
    "EventPage:": FROM_TOWN_MATRIX,
    "EventPage:inscription/": FROM_TOWN_MATRIX,
    "EventPage:annulation/": FROM_TOWN_MATRIX,
    "EventPage:participants/": FROM_TOWN_MATRIX,
    "EventPage:participants/<int:registration_id>/presence/": FROM_TOWN_MATRIX,
    "evenements/calendrier.ics": FROM_TOWN_MATRIX,
    "evenements/<int:event_id>/evenement.ics": FROM_TOWN_MATRIX,
    "commerces/": FROM_TOWN_MATRIX,
    "commerces/carte/": FROM_TOWN_MATRIX,
    "commerces/de-saison/": FROM_TOWN_MATRIX,
    "commerces/<int:business_id>/": FROM_TOWN_MATRIX,
    # Buying « at » B's shop from A: the form refuses it, nothing is logged.
    "commerces/achat-local/": (
        probe("/commerces/achat-local/"),
        probe(
            "/commerces/achat-local/",
            "post",
            business=lambda t: life.business(t.b).pk,
            client_key="croise-achat-local",
        ),
    ),
    "commerces/achats/<int:purchase_id>/ticket/": FROM_TOWN_MATRIX,
    "covoiturage/": FROM_TOWN_MATRIX,
    "covoiturage/proposer/": FROM_TOWN_MATRIX,
    "covoiturage/mes-trajets/": FROM_TOWN_MATRIX,
    "covoiturage/<int:trip_id>/": FROM_TOWN_MATRIX,
    "covoiturage/<int:trip_id>/fermer/": FROM_TOWN_MATRIX,
    "covoiturage/correspondances/<int:match_id>/trajet-fait/": FROM_TOWN_MATRIX,
    "covoiturage/trajets-faits/<int:ride_id>/confirmer/": FROM_TOWN_MATRIX,
    "ChannelPage:": FROM_TOWN_MATRIX,
    "ChannelPage:mode-tele/": FROM_TOWN_MATRIX,
    "tele-locale/proposer/": FROM_TOWN_MATRIX,
    "questions/": FROM_TOWN_MATRIX,
    "questions/poser/": FROM_TOWN_MATRIX,
    "questions/<int:pk>/": FROM_TOWN_MATRIX,
    "questions/<int:pk>/repondre/": FROM_TOWN_MATRIX,
    "questions/<int:pk>/astuce/": FROM_TOWN_MATRIX,
    "questions/reponses/<int:pk>/aide/": FROM_TOWN_MATRIX,
    "questions/reponses/<int:pk>/solution/": FROM_TOWN_MATRIX,
}


def site_probes(route: str, entry) -> tuple[Probe, ...]:
    if isinstance(entry, NoTownData):
        return ()
    if entry == FROM_TOWN_MATRIX:
        cases = MATRIX[route] if isinstance(MATRIX[route], tuple) else (MATRIX[route],)
        return tuple(
            Probe(lambda t, c=case: c.url(t.b), case.method, case.data)
            for case in cases
        )
    return entry


# The admin. Keys ending in "/" and marked FAMILY cover every route under them
# (a viewset's list, add, edit, delete, history, usage, copy, inspect, chooser);
# other keys are one route. The value says what fills each URL parameter: B's
# object of that kind (FILL names the parameter), or NoTownData.
FAMILY = "family:"
TARGET_OF_PK: dict[str, Callable[[CrossTown], object]] = {
    # Issue 16: API keys, report categories, the town's sensors.
    FAMILY + "admin/cles-api/": lambda t: t.b.api_key.pk,
    FAMILY + "admin/snippets/choose/community/apikey/": lambda t: t.b.api_key.pk,
    # Session 12: a town's consent texts (town administrators publish them).
    FAMILY + "admin/consentements/": lambda t: t.b_consent_text.pk,
    FAMILY + "admin/snippets/choose/community/consenttext/": lambda t: (
        t.b_consent_text.pk
    ),
    FAMILY + "admin/signalements/categories/": lambda t: t.b.report_category.pk,
    FAMILY + "admin/snippets/choose/reports/reportcategory/": lambda t: (
        t.b.report_category.pk
    ),
    FAMILY + "admin/snippets/townsensors/townsensor/": lambda t: t.b.sensor.pk,
    FAMILY + "admin/snippets/choose/townsensors/townsensor/": lambda t: t.b.sensor.pk,
    FAMILY + "admin/snippets/community/neighbourhood/": lambda t: t.b.neighbourhood.pk,
    FAMILY + "admin/snippets/choose/community/neighbourhood/": lambda t: (
        t.b.neighbourhood.pk
    ),
    FAMILY + "admin/snippets/community/household/": lambda t: t.b.household.pk,
    FAMILY + "admin/snippets/choose/community/household/": lambda t: t.b.household.pk,
    FAMILY + "admin/snippets/community/member/": lambda t: t.b.resident.pk,
    FAMILY + "admin/snippets/choose/community/member/": lambda t: t.b.resident.pk,
    FAMILY + "admin/snippets/community/invitation/": lambda t: t.b_invitation.pk,
    FAMILY + "admin/snippets/choose/community/invitation/": lambda t: t.b_invitation.pk,
    FAMILY + "admin/snippets/challenges/shop/": lambda t: t.b.shop.pk,
    FAMILY + "admin/snippets/choose/challenges/shop/": lambda t: t.b.shop.pk,
    FAMILY + "admin/snippets/challenges/reward/": lambda t: t.b.reward.pk,
    FAMILY + "admin/snippets/choose/challenges/reward/": lambda t: t.b.reward.pk,
    FAMILY + "admin/snippets/localshops/localbusiness/": lambda t: (
        life.business(t.b).pk
    ),
    FAMILY + "admin/snippets/choose/localshops/localbusiness/": lambda t: (
        life.business(t.b).pk
    ),
    FAMILY + "admin/snippets/localshops/produce/": lambda t: life.produce(t.b).pk,
    FAMILY + "admin/snippets/choose/localshops/produce/": lambda t: (
        life.produce(t.b).pk
    ),
    FAMILY + "admin/snippets/localshops/localpurchase/": lambda t: (
        life.purchase(t.b).pk
    ),
    FAMILY + "admin/snippets/choose/localshops/localpurchase/": lambda t: (
        life.purchase(t.b).pk
    ),
    FAMILY + "admin/referents/": lambda t: life.referent(t.b).pk,
    FAMILY + "admin/snippets/choose/community/referent/": lambda t: (
        life.referent(t.b).pk
    ),
    FAMILY + "admin/snippets/scoring/degreeday/": lambda t: t.b_degree_day.pk,
    FAMILY + "admin/snippets/choose/scoring/degreeday/": lambda t: t.b_degree_day.pk,
    FAMILY + "admin/snippets/ambassadors/auditentry/": lambda t: t.b_audit.pk,
    FAMILY + "admin/snippets/choose/ambassadors/auditentry/": lambda t: t.b_audit.pk,
    FAMILY + "admin/snippets/ambassadors/visit/": lambda t: t.b.visit_id,
    FAMILY + "admin/snippets/choose/ambassadors/visit/": lambda t: t.b.visit_id,
    FAMILY + "admin/snippets/ambassadors/assistedaction/": lambda t: UNKNOWN,
    FAMILY + "admin/snippets/choose/ambassadors/assistedaction/": lambda t: UNKNOWN,
    FAMILY + "admin/snippets/ambassadors/onboarding/": lambda t: t.b_onboarding.pk,
    FAMILY + "admin/snippets/choose/ambassadors/onboarding/": lambda t: (
        t.b_onboarding.pk
    ),
    FAMILY + "admin/moderation/file/": lambda t: t.b_report_group.pk,
    FAMILY + "admin/snippets/choose/moderation/reportgroup/": lambda t: (
        t.b_report_group.pk
    ),
    FAMILY + "admin/moderation/recours/": lambda t: t.b_appeal.pk,
    FAMILY + "admin/snippets/choose/moderation/appeal/": lambda t: t.b_appeal.pk,
    FAMILY + "admin/moderation/journal/": lambda t: t.b_decision.pk,
    FAMILY + "admin/snippets/choose/moderation/decision/": lambda t: t.b_decision.pk,
    # The action catalogue is the deployment's, not a town's.
    FAMILY + "admin/snippets/scoring/actiontype/": lambda t: t.action_type.pk,
    FAMILY + "admin/snippets/choose/scoring/actiontype/": lambda t: t.action_type.pk,
    # Deployment-wide objects, the superusers' (sites, users, groups): B's.
    FAMILY + "admin/sites/": lambda t: t.b_site.pk,
    FAMILY + "admin/users/": lambda t: t.b.resident.user.pk,
    FAMILY + "admin/groups/": lambda t: t.b_group.pk,
    FAMILY + "admin/collections/": lambda t: t.b_collection.pk,
    FAMILY + "admin/workflows/": lambda t: t.b_workflow.pk,
    FAMILY + "admin/api/main/^pages/": lambda t: t.b.tip.pk,
    FAMILY + "admin/api/main/^documents/": lambda t: UNKNOWN,
    FAMILY + "admin/api/main/^images/": lambda t: UNKNOWN,
    FAMILY + "admin/redirects/": lambda t: UNKNOWN,
    FAMILY + "admin/documents/": lambda t: UNKNOWN,
    FAMILY + "admin/images/": lambda t: UNKNOWN,
    FAMILY + "admin/embeds/": lambda t: UNKNOWN,
    FAMILY + "admin/reports/": lambda t: UNKNOWN,
    FAMILY + "admin/forms/": lambda t: t.b.tip.pk,
    FAMILY + "admin/pages/": lambda t: t.b.tip.pk,
    FAMILY + "admin/choose-page/": lambda t: t.b.town.pk,
    FAMILY + "admin/editing-sessions/": lambda t: UNKNOWN,
    FAMILY + "admin/tag-autocomplete/": lambda t: UNKNOWN,
    FAMILY + "admin/bulk/": lambda t: UNKNOWN,
}

# Named parameters, whatever the route: B's object they point at.
FILL: dict[str, Callable[[CrossTown], object]] = {
    "page_id": lambda t: t.b.tip.pk,
    "parent_page_id": lambda t: t.b.town.pk,
    "page_to_move_id": lambda t: t.b.tip.pk,
    # Moving B's page into A's tree must be refused as well.
    "destination_id": lambda t: t.a.town.pk,
    "page_pk": lambda t: t.b.town.pk,
    "workflow_pk": lambda t: t.b_workflow.pk,
    "group_id": lambda t: t.b_report_group.pk,
    "appeal_id": lambda t: t.b_appeal.pk,
    "revision_id": lambda t: UNKNOWN,
    "task_state_id": lambda t: UNKNOWN,
    "task_id": lambda t: UNKNOWN,
    "workflow_state_id": lambda t: UNKNOWN,
    "collection_id": lambda t: t.b_collection.pk,
    "image_id": lambda t: UNKNOWN,
    "document_id": lambda t: UNKNOWN,
    "doc_id": lambda t: UNKNOWN,
    "uploaded_file_id": lambda t: UNKNOWN,
    "redirect_id": lambda t: UNKNOWN,
    "session_id": lambda t: UNKNOWN,
    "town_id": lambda t: t.b.town.pk,
    "report_id": lambda t: t.b.report.pk,
    "object_id": lambda t: t.b.neighbourhood.pk,
    "app_label": lambda t: "community",
    "model_name": lambda t: "neighbourhood",
    "app_name": lambda t: "community",
    "content_type_app_name": lambda t: "tips",
    "content_type_model_name": lambda t: "tippage",
    "action": lambda t: "delete",
    "action_name": lambda t: "approve",
    "filter_spec": lambda t: "original",
    "revision_id_a": lambda t: "earliest",
    "revision_id_b": lambda t: "latest",
    "uidb64": lambda t: "MQ",
    "token": lambda t: "jeton",
}

# Single admin routes: NoTownData, or a family-less route whose parameters
# FILL covers (None).
ADMIN: dict[str, NoTownData | None] = {
    "admin/": None,  # the dashboard and its panels
    "admin/test404/": NoTownData("Wagtail's 404 page"),
    "admin/^.*/$": NoTownData("the admin's catch-all: 404"),
    "admin/failwhale/": NoTownData("Wagtail's error test page"),
    "admin/snippets/": None,  # the snippets' index, with counts per model
    "admin/account/": NoTownData("the user's own account"),
    "admin/logout/": NoTownData("logout"),
    "admin/login/": NoTownData("login"),
    "admin/password_reset/": NoTownData("password reset"),
    "admin/password_reset/done/": NoTownData("password reset"),
    "admin/password_reset/confirm/<uidb64>/<token>/": NoTownData("password reset"),
    "admin/password_reset/complete/": NoTownData("password reset"),
    "admin/sprite/": NoTownData("the admin's icons"),
    "admin/jsi18n/": NoTownData("the admin's translations"),
    "admin/dismissibles/": NoTownData("the user's dismissed hints"),
    "admin/block-preview/": NoTownData("a StreamField block's preview"),
    "admin/choose-external-link/": NoTownData("a link form"),
    "admin/choose-email-link/": NoTownData("a link form"),
    "admin/choose-phone-link/": NoTownData("a link form"),
    "admin/choose-anchor-link/": NoTownData("a link form"),
    "admin/dju/importer/": None,
    "admin/ambassadeurs/couverture/": None,
    "admin/moderation/file/<int:group_id>/decider/": None,
    "admin/moderation/recours/<int:appeal_id>/repondre/": None,
    "admin/recherche/export/": None,
    # A new town: superusers only (community/admin_new_town.py).
    "admin/communes/nouvelle/": None,
    # A town's roles (community/admin_views.py): B's town in the URL.
    "admin/roles/": None,
    "admin/roles/<int:town_id>/donner/": None,
    "admin/roles/<int:town_id>/retirer/": None,
    # The services' queue of reports and one report (B's in the URL).
    "admin/signalements/": None,
    "admin/signalements/<int:report_id>/": None,
    # Grid alerts: the towns' list, and B's settings and flash start.
    "admin/alertes-reseau/": None,
    "admin/alertes-reseau/<int:town_id>/reglages/": None,
    "admin/alertes-reseau/<int:town_id>/lancer/": None,
    # Questions to the référents left unanswered (their towns' only).
    "admin/questions/sans-reponse/": None,
}

EXTRA_ADMIN_PROBES = {
    # A's staff setting B's Ecowatt source or starting a flash challenge in B.
    "admin/alertes-reseau/<int:town_id>/reglages/": (
        probe(
            lambda t: f"/admin/alertes-reseau/{t.b.town.pk}/reglages/",
            "post",
            source_url="https://intrus.example.org/ecowatt.json",
            flash_enabled="on",
            hours_mode="signal",
            fixed_hours="8-13",
            goal="Intrus",
            domain="energy",
            participation_points="10",
            points_per_kwh="10",
        ),
    ),
    "admin/alertes-reseau/<int:town_id>/lancer/": (
        probe(
            lambda t: f"/admin/alertes-reseau/{t.b.town.pk}/lancer/",
            "post",
            title="Défi intrus",
            day="2099-01-01",
            hours="8-13",
            goal="Intrus",
            domain="energy",
            participation_points="10",
            points_per_kwh="10",
        ),
    ),
    # B's roles page, and A's staff trying to give or take a role of B.
    "admin/roles/": (probe(lambda t: f"/admin/roles/?commune={t.b.town.pk}"),),
    "admin/roles/<int:town_id>/donner/": (
        probe(
            lambda t: f"/admin/roles/{t.b.town.pk}/donner/",
            "post",
            email="intrus@example.org",
            role="moderator",
        ),
    ),
    "admin/roles/<int:town_id>/retirer/": (
        probe(
            lambda t: f"/admin/roles/{t.b.town.pk}/retirer/",
            "post",
            user="1",
            role="moderator",
        ),
    ),
    # The exports, and a town of B forced into the report's filter.
    "admin/ambassadeurs/couverture/": (
        probe(lambda t: f"/admin/ambassadeurs/couverture/?town={t.b.town.pk}"),
        probe("/admin/ambassadeurs/couverture/?export=quartiers"),
        probe("/admin/ambassadeurs/couverture/?export=ambassadeurs"),
    ),
    "admin/recherche/export/": (
        probe("/admin/recherche/export/?telecharger=pseudonymes&weeks=4"),
    ),
    "admin/moderation/file/<int:group_id>/decider/": (
        probe(
            lambda t: f"/admin/moderation/file/{t.b_report_group.pk}/decider/",
            "post",
            action="hide",
            reason="Depuis A",
        ),
    ),
    "admin/moderation/recours/<int:appeal_id>/repondre/": (
        probe(
            lambda t: f"/admin/moderation/recours/{t.b_appeal.pk}/repondre/",
            "post",
            granted="1",
            answer="Depuis A",
        ),
    ),
}

_PARAM = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def admin_entry(route: str):
    """The ADMIN entry or TARGET_OF_PK family of an admin route, or None."""
    if route in ADMIN:
        return ("route", ADMIN[route])
    families = [
        key for key in TARGET_OF_PK if route.startswith(key.removeprefix(FAMILY))
    ]
    if families:
        return ("family", max(families, key=len))
    return None


def admin_url(route: str, town: CrossTown, pk_of: Callable | None) -> str:
    """The route's path with B's ids in its parameters (KeyError: unfilled)."""

    def fill(name: str) -> str:
        if name == "pk" and pk_of is not None:
            return str(pk_of(town))
        if name == "pk":
            raise KeyError(name)
        return str(FILL[name](town))

    path = route
    if "^" in path or "(?P" in path:
        path = _REGEX_GROUP.sub(lambda m: fill(m["name"]), path)
        path = path.replace("^", "").replace("$", "")
        path = re.sub(r"\(\\d\+\)", str(UNKNOWN), path).replace("(.*)", "inconnu")
        path = path.replace("\\.", ".")
    path = _PARAM.sub(lambda m: fill(m["name"]), path)
    return "/" + path


def admin_routes() -> list[str]:
    return sorted(
        {route for route, _ in walk(get_resolver()) if route.startswith(ADMIN_PREFIX)}
    )


# Websocket stream kinds: B's object of each kind.
STREAMS: dict[str, Callable[[CrossTown], int]] = {
    groups.TOWN: lambda t: t.b.town.pk,
    groups.NEIGHBOURHOOD: lambda t: t.b.neighbourhood.pk,
    groups.CHALLENGE: lambda t: t.b.challenge.pk,
    groups.ROOM: lambda t: t.b.room.pk,
    groups.LEADERBOARD: lambda t: t.b.challenge.pk,
    groups.DM: lambda t: t.b.dm.pk,
    groups.USER: lambda t: t.b.resident.user.pk,
    groups.REPORTS: lambda t: t.b.town.pk,
    groups.SENSORS: lambda t: t.b.town.pk,
}


# --- the tables cover everything ------------------------------------------


def test_every_site_pattern_has_an_entry():
    routes = site_routes()
    missing = sorted(set(routes) - set(SITE))
    assert not missing, (
        "These URL patterns have no entry in SITE of tests/security/"
        "test_cross_town_matrix.py. Add one per pattern: FROM_TOWN_MATRIX (the "
        "per-town matrix's requests, with town B's objects), a tuple of "
        "probe(lambda t: '/…/' with t.b's ids, method, **data), or "
        "NoTownData('why it holds no town data'):\n"
        + "\n".join(f"  {route!r}: …,  # {routes[route]}" for route in missing)
    )
    stale = sorted(set(SITE) - set(routes) - {"^media/(?P<path>.*)$"})
    assert not stale, f"SITE entries for URL patterns that are gone: {stale}"
    unknown = [
        route
        for route, entry in SITE.items()
        if entry == FROM_TOWN_MATRIX and route not in MATRIX
    ]
    assert not unknown, f"FROM_TOWN_MATRIX but no MATRIX entry: {unknown}"


def test_every_admin_pattern_has_an_entry(cross_town_ids):
    missing, unfilled = [], []
    for route in admin_routes():
        entry = admin_entry(route)
        if entry is None:
            missing.append(route)
            continue
        kind, value = entry
        if kind == "route" and isinstance(value, NoTownData):
            continue
        try:
            admin_url(route, cross_town_ids, TARGET_OF_PK.get(value))
        except KeyError as error:
            unfilled.append(f"{route!r}: parameter {error}")
    assert not missing, (
        "These admin URL patterns have no entry in tests/security/"
        "test_cross_town_matrix.py: add the viewset's prefix to TARGET_OF_PK "
        "(FAMILY + 'admin/…/': lambda t: <town B's row id>) or the route to "
        "ADMIN (None, or NoTownData('why')):\n"
        + "\n".join(f"  {route!r}" for route in missing)
    )
    assert not unfilled, (
        "Add these parameters to FILL (lambda t: town B's object id):\n"
        + "\n".join(unfilled)
    )


def test_every_stream_kind_has_an_entry():
    kinds = groups.KINDS | streams.registered_kinds()
    missing = sorted(kinds - set(STREAMS))
    assert not missing, (
        f"Stream kinds {missing} have no entry in STREAMS of tests/security/"
        "test_cross_town_matrix.py: add `kind: lambda t: <town B's object id>`."
    )


# --- B's rows, before and after -----------------------------------------


def _concrete(model) -> type:
    """The key of a model's rows: pages of every type share Page's ids."""
    from wagtail.models import Page

    if issubclass(model, Page):
        return Page
    return model._meta.concrete_model


# Rows that point at B's rows by (kind, id) rather than a foreign key:
# (model label, kind field, id field, {kind: the model its ids are of}).
def _generic_refs() -> list[tuple[str, str, str, dict]]:
    from wagtail.models import Page

    from community.models import Member, Neighbourhood
    from feeds.models import ChatMessage, Comment, Post
    from reports.models import Report, ReportUpdate

    items = {
        "report": Report,
        "report_note": ReportUpdate,
        "post": Post,
        "comment": Comment,
        "message": ChatMessage,
        "tip": Page,
        "member": Member,
    }
    follows = {
        "member": Member,
        "neighbourhood": Neighbourhood,
        "ambassador": Page,
        "challenge": Page,
    }
    return [
        ("feeds.Follow", "kind", "target_id", follows),
        ("moderation.ReportGroup", "kind", "object_id", items),
        ("moderation.Report", "kind", "object_id", items),
        ("moderation.Decision", "kind", "object_id", items),
        ("moderation.OriginalContent", "kind", "object_id", items),
    ]


def b_rows(town: CrossTown) -> dict[type, set]:
    """Every row of town B: its pages, neighbourhoods, households, members and
    users, then every row pointing at one of them, and so on (the closure)."""
    from wagtail.models import Page

    from community.models import Household, Member, Neighbourhood

    b = town.b
    rows: dict[type, set] = {
        Page: set(
            Page.objects.descendant_of(b.town, inclusive=True).values_list(
                "pk", flat=True
            )
        ),
        Neighbourhood: set(
            Neighbourhood.objects.filter(town=b.town).values_list("pk", flat=True)
        ),
        Household: set(
            Household.objects.filter(neighbourhood__town=b.town).values_list(
                "pk", flat=True
            )
        ),
        Member: set(Member.objects.filter(town=b.town).values_list("pk", flat=True)),
    }
    rows[_concrete(Member._meta.get_field("user").related_model)] = set(
        Member.objects.filter(town=b.town).values_list("user_id", flat=True)
    )
    for _round in range(3):
        grown = False
        for model in apps.get_models():
            for fk in _foreign_keys(model):
                target = _concrete(fk.related_model)
                ids = rows.get(target)
                if not ids:
                    continue
                found = set(
                    model._default_manager.filter(
                        **{f"{fk.name}__in": ids}
                    ).values_list("pk", flat=True)
                )
                key = _concrete(model)
                if not found <= rows.get(key, set()):
                    rows.setdefault(key, set()).update(found)
                    grown = True
        if not grown:
            break
    return rows


# Rows that change on their own or for every visitor, not B's data.
NOT_B_DATA = {"sessions.session", "realtime.event", "auth.user"}


def _foreign_keys(model) -> list:
    if model._meta.label_lower in NOT_B_DATA:
        return []
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey | models.OneToOneField) and f.concrete
    ]


def fingerprint(rows: dict[type, set]) -> dict:
    """B's rows' content, and how many rows point at each kind of them."""
    snapshot = {}
    for model, ids in rows.items():
        if model._meta.label_lower in NOT_B_DATA or not ids:
            continue
        snapshot[model._meta.label] = sorted(
            map(repr, model._default_manager.filter(pk__in=ids).values_list())
        )
    for model in apps.get_models():
        for fk in _foreign_keys(model):
            ids = rows.get(_concrete(fk.related_model))
            if ids:
                snapshot[f"{model._meta.label}.{fk.name}"] = (
                    model._default_manager.filter(**{f"{fk.name}__in": ids}).count()
                )
    for label, kind_field, id_field, kinds in _generic_refs():
        model = apps.get_model(label)
        for kind, target in kinds.items():
            ids = rows.get(_concrete(target))
            if ids:
                snapshot[f"{label}[{kind}]"] = model._default_manager.filter(
                    **{kind_field: kind, f"{id_field}__in": ids}
                ).count()
    return snapshot


# --- the requests --------------------------------------------------------


def markers(town: CrossTown) -> list[str]:
    """Strings found only in town B's data."""
    from community.models import Invitation

    b = town.b
    found = [B_MARKER.strip(), b.household.public_id, b.other_household.public_id]
    found += [b.onboarding_public_id]
    found += list(
        Invitation.objects.filter(household__neighbourhood__town=b.town).values_list(
            "code", flat=True
        )
    )
    return found


def leaks(body: str, found: list[str]) -> list[str]:
    return [marker for marker in found if marker in body]


DENIED = (301, 302, 400, 401, 403, 404, 405)


class WriteSeen:
    """A database execute wrapper noting whether a statement could write."""

    # Conservative: a WITH may hold a write; a false "seen" only costs time.
    WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "MERGE", "COPY", "WITH")

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        if not self.seen and sql.lstrip().upper().startswith(self.WRITES):
            self.seen = True
        return execute(sql, params, many, context)


class Run:
    """The requests of one role, with what went wrong."""

    def __init__(self, town: CrossTown, rows: dict, before: dict) -> None:
        self.town, self.rows, self.before = town, rows, before
        self.found = markers(town)
        self.wrong: list[str] = []
        self.clients: dict[str, Client] = {}

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client()
            client.force_login(self.town.staff[role])
            self.clients[role] = client
        return self.clients[role]

    def still_signed_in(self, role: str) -> None:
        """Every request ran as the role: no probe signed the client out."""
        user = self.town.staff[role]
        session = self.client(role).session
        assert str(session.get("_auth_user_id")) == str(user.pk), role

    def request(
        self, label: str, role: str, method: str, url: str, data: dict, *, row: bool
    ) -> None:
        """`row`: the URL names one of B's rows, so only a denial will do."""
        where = f"{label} {method.upper()} {url} as {role}"
        # Signed in outside the savepoint: its session must outlive the rollback.
        client = self.client(role)
        writes = WriteSeen()
        with transaction.atomic(), connection.execute_wrapper(writes):
            try:
                response = getattr(client, method)(url, data)
            except Exception as error:  # noqa: BLE001 — reported, not raised
                self.wrong.append(f"{where}: raised {type(error).__name__}: {error}")
                transaction.set_rollback(True)
                return
            status = response.status_code
            if status >= 500:
                self.wrong.append(f"{where}: answered {status}")
            body = b"".join(response) if response.streaming else response.content
            text = body.decode(errors="replace")
            # An id the URL itself carries (echoed by a 404 page) is no leak.
            leaked = leaks(text, [m for m in self.found if m not in url])
            if leaked:
                self.wrong.append(f"{where}: shows town B's {leaked} ({status})")
            elif row and status not in DENIED:
                self.wrong.append(f"{where}: answered {status} for one of B's rows")
            # No INSERT, UPDATE or DELETE ran: nothing of B's can have changed,
            # and the costly fingerprint (a query per foreign key) is skipped.
            if method == "post" and status not in (403, 404, 405) and writes.seen:
                after = fingerprint(self.rows)
                changed = sorted(
                    key
                    for key in set(after) | set(self.before)
                    if after.get(key) != self.before.get(key)
                )
                if changed:
                    self.wrong.append(f"{where}: changed town B's rows {changed}")
            transaction.set_rollback(True)


@pytest.fixture
def cross_town_ids(cross_town: CrossTown) -> CrossTown:
    """The two towns, and B's rows the admin's URLs name."""
    from wagtail.models import Collection, Site, Workflow

    from ambassadors.models import AuditEntry, Onboarding
    from community.models import ConsentKind, ConsentText, Invitation, TownRole
    from scoring.models import ActionType

    t = cross_town
    b = t.b
    t.b_invitation = Invitation.objects.filter(
        household__neighbourhood__town=b.town
    ).first()
    t.b_audit = AuditEntry.objects.filter(visit_id=b.visit_id).first()
    t.b_onboarding = Onboarding.objects.get(household__public_id=b.onboarding_public_id)
    t.b_site = Site.objects.get(root_page=b.town)
    t.b_group = TownRole.objects.filter(town=b.town).first().group
    t.b_collection = (
        Collection.objects.filter(name__icontains=b.town.title).first()
        or Collection.get_first_root_node()
    )
    t.b_workflow = (
        Workflow.objects.filter(name__icontains=b.town.title).first()
        or Workflow.objects.first()
    )
    t.action_type = ActionType.objects.first()
    t.b_consent_text = ConsentText.objects.create(
        town=b.town,
        kind=ConsentKind.PARTICIPATION,
        version=1,
        text="Consentement de B" + B_MARKER,
    )
    # Built lazily by a URL of the per-town matrix: made now, before the runs
    # take B's fingerprint, so that its creation is not read as a change.
    _meter_upload(b)
    _push_device(b)
    life.build_all(b)
    return t


@pytest.mark.parametrize("role", ROLES)
def test_no_site_url_shows_or_changes_town_b(cross_town_ids, role):
    town = cross_town_ids
    rows = b_rows(town)
    run = Run(town, rows, fingerprint(rows))
    for route, entry in SITE.items():
        for one in site_probes(route, entry):
            run.request(
                route, role, one.method, one.url(town), one.fill(town), row=False
            )
    run.still_signed_in(role)
    assert not run.wrong, "\n".join(run.wrong)


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_url_shows_or_changes_town_b(cross_town_ids, role):
    town = cross_town_ids
    rows = b_rows(town)
    run = Run(town, rows, fingerprint(rows))
    for route in admin_routes():
        kind, value = admin_entry(route)
        if kind == "route" and isinstance(value, NoTownData):
            continue
        pk_of = TARGET_OF_PK.get(value) if kind == "family" else None
        url = admin_url(route, town, pk_of)
        names_row = "<" in route or "(?P" in route
        run.request(route, role, "get", url, {}, row=names_row and _names_b(route))
        if names_row:
            run.request(route, role, "post", url, {}, row=_names_b(route))
        for one in EXTRA_ADMIN_PROBES.get(route, ()):
            run.request(
                route, role, one.method, one.url(town), one.fill(town), row=False
            )
    run.still_signed_in(role)
    assert not run.wrong, "\n".join(run.wrong)


# Parameters that name one of B's rows (the others: unknown ids, names).
_B_PARAMS = {
    "pk",
    "page_id",
    "parent_page_id",
    "page_to_move_id",
    "group_id",
    "appeal_id",
    "collection_id",
    "page_pk",
    "workflow_pk",
}
# Families whose `pk` is not one of B's rows (an unknown id, a shared one).
_SHARED_PK = {
    FAMILY + "admin/snippets/scoring/actiontype/",
    FAMILY + "admin/snippets/choose/scoring/actiontype/",
    FAMILY + "admin/snippets/ambassadors/assistedaction/",
    FAMILY + "admin/snippets/choose/ambassadors/assistedaction/",
    FAMILY + "admin/api/main/^documents/",
    FAMILY + "admin/api/main/^images/",
    FAMILY + "admin/redirects/",
    FAMILY + "admin/documents/",
    FAMILY + "admin/images/",
    FAMILY + "admin/embeds/",
    FAMILY + "admin/reports/",
    FAMILY + "admin/editing-sessions/",
    FAMILY + "admin/tag-autocomplete/",
    FAMILY + "admin/bulk/",
}


# Routes that name one of B's rows yet may answer 200 without showing it:
# the page chooser opened at B's town shows the town's name (public) and none
# of its pages (the `construct_page_chooser_queryset` hook), which the markers
# check.
# Wagtail's workflow cancellation confirmation shows no page data and a
# POST there changes nothing (both checked all the same).
NAMES_B_BUT_SHOWS_NOTHING = {
    "admin/choose-page/<int:parent_page_id>/",
    "admin/pages/workflow/confirm_cancellation/<int:page_id>/",
}


def _names_b(route: str) -> bool:
    if route in NAMES_B_BUT_SHOWS_NOTHING:
        return False
    kind, value = admin_entry(route)
    names = {m["name"] for m in _PARAM.finditer(route)}
    names |= {m["name"] for m in _REGEX_GROUP.finditer(route)}
    if kind == "family" and value in _SHARED_PK:
        names.discard("pk")
    return bool(names & _B_PARAMS)


# --- streams -------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_no_role_of_a_subscribes_to_a_stream_of_b(generous_rates):
    from tests.realtime.conftest import connected, receive

    town = await database_sync_to_async(build_cross_town)()
    wrong = []
    for role in ROLES:
        socket = await connected(town.staff[role])
        try:
            for kind, object_id in sorted(STREAMS.items()):
                stream = f"{kind}:{await database_sync_to_async(object_id)(town)}"
                await socket.send_json_to(
                    {"op": "subscribe", "stream": stream, "since": None}
                )
                answer = await receive(socket)
                if answer.get("code") != "forbidden":
                    wrong.append(f"{stream} as {role}: {answer}")
        finally:
            await socket.disconnect()
    assert not wrong, "\n".join(wrong)


def test_the_harness_catches_a_read_and_a_write(cross_town_ids):
    """The markers and the fingerprint prove something: A's pages never carry
    the markers by chance, B's own pages do, and a write to B shows."""
    from feeds import actions as feed_actions

    town = cross_town_ids
    client = Client()
    client.force_login(town.staff["resident"])
    body = client.get("/fil/").content.decode()
    assert not leaks(body, markers(town))
    assert "Bonjour le quartier" in body  # A's own post is there
    superuser = Client()
    superuser.force_login(town.superuser)
    b_row = superuser.get(
        admin_url(
            "admin/snippets/community/household/edit/<int:pk>/",
            town,
            lambda t: t.b.household.pk,
        )
    )
    assert leaks(b_row.content.decode(), markers(town))  # what a leak looks like
    rows = b_rows(town)
    before = fingerprint(rows)
    feed_actions.check_add_comment(
        town.b.other, town.b.post, body="Encore", client_key="croise-temoin"
    )
    feed_actions.do_follow(town.b.other, "member", town.b.resident.pk)
    after = fingerprint(rows)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed >= {"feeds.Comment.post", "feeds.Follow[member]"}


@pytest.mark.django_db
def test_the_write_detector_sees_orm_writes_and_not_reads(town):
    """The admin run skips its fingerprint when no write ran: a write must show."""
    from community.models import Neighbourhood

    reads, writes = WriteSeen(), WriteSeen()
    with connection.execute_wrapper(reads):
        list(Neighbourhood.objects.filter(town=town).select_for_update())
    with connection.execute_wrapper(writes):
        Neighbourhood.objects.filter(town=town).update(name="Renommé")
    assert not reads.seen
    assert writes.seen
