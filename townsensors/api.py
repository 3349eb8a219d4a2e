"""`POST /api/sensors/v1/readings`: the door of the town's sensor gateways.

`Authorization: Bearer <key>`, a `community.ApiKey` of purpose `sensors`; the
body is one reading `{"sensor", "observed_at", "value"}` or a list of them.
Each item is accepted or refused with its reasons; the accepted ones go to the
scoring core in one call and one live event follows. Every failure is a JSON
answer with a code, never a 500 (tests/townsensors/test_ingest.py).
"""

import json
import logging
import math

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from community.apikeys import access_api_key
from community.models import ApiKeyPurpose
from config.ratelimit import count_hit, too_many_requests_json
from scoring import client
from townsensors.actions import do_ingest_values

logger = logging.getLogger(__name__)

# 1,000 readings of about 100 bytes each, with room for spaces.
MAX_BODY_BYTES = 256 * 1024
MAX_ITEMS = client.MAX_SENSOR_ITEMS


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _unauthorised() -> JsonResponse:
    response = _error(401, "unauthorized", _("Clé d'accès absente ou invalide."))
    response["WWW-Authenticate"] = 'Bearer realm="sensors"'
    return response


def _body(request: HttpRequest) -> tuple[object, JsonResponse | None]:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    too_big = _error(
        413,
        "body_too_large",
        _("Corps trop gros : au plus %(kb)d Ko par envoi.")
        % {"kb": MAX_BODY_BYTES // 1024},
    )
    if length > MAX_BODY_BYTES:
        return None, too_big
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return None, too_big
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, _error(
            400, "invalid_json", _("Le corps de la requête n'est pas du JSON valide.")
        )


@csrf_exempt  # a bearer key, not a cookie: no cross-site request to forge
@never_cache
def readings(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Méthode non autorisée."))
        response["Allow"] = "POST"
        return response
    scheme, _sep, raw_key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return _unauthorised()
    key = access_api_key(raw_key.strip(), ApiKeyPurpose.SENSORS)
    if key is None:
        return _unauthorised()
    limit, period = settings.SMARTCITIZEN["API_KEY_RATE"]
    count, left = count_hit(f"townsensors:rate:{key.pk}", period)
    if count > limit:
        return too_many_requests_json(max(1, math.ceil(left)))
    body, refusal = _body(request)
    if refusal is not None:
        return refusal
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        return _error(
            400,
            "invalid_body",
            _("Une mesure {sensor, observed_at, value} ou une liste de mesures."),
        )
    if len(items) > MAX_ITEMS:
        return _error(
            413,
            "too_many_items",
            _("Au plus %(max)d mesures par envoi.") % {"max": MAX_ITEMS},
        )
    try:
        result = do_ingest_values(key.town, items)
    except client.ScoringUnavailable as error:
        logger.warning("sensor values of town %s not stored: %s", key.town_id, error)
        response = _error(
            503, "unavailable", _("Mesures non enregistrées : réessayez plus tard.")
        )
        response["Retry-After"] = "30"
        return response
    except client.ScoringError as error:
        # The site checked every item: a refusal here is the core's own rule.
        logger.warning("sensor values of town %s refused: %s", key.town_id, error)
        return _error(400, "refused", str(error))
    status = 200 if result.accepted else 422
    return JsonResponse(result.as_body(), status=status)
