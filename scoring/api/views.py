"""The v1 HTTP API: parse, authenticate, call `engine.contract`, answer JSON."""

import json
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from scoring.engine import contract
from scoring.errors import ScoringError

from .auth import check_bearer_token

View = Callable[..., dict]
Wrapped = Callable[..., JsonResponse]


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def api_view(
    method: str | tuple[str, ...], created_status: int = 200
) -> Callable[[View], Wrapped]:
    """Method check, bearer auth and ScoringError → JSON error, around a view.

    A path that serves several methods names them all and the view dispatches
    on `request.method`; `created_status` is the status of a POST.
    """
    methods = (method,) if isinstance(method, str) else method

    def decorate(view: View) -> Wrapped:
        @csrf_exempt  # a bearer token, not a cookie: no cross-site request to forge
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            try:
                check_bearer_token(request)
                if request.method not in methods:
                    response = _error(
                        405, "method_not_allowed", _("Méthode non autorisée.")
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                body = view(request, *args, **kwargs)
            except ScoringError as error:
                response = JsonResponse(error.as_body(), status=error.status)
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="scoring"'
                return response
            status = created_status if request.method == "POST" else 200
            if request.method == "POST" and body.get("replayed"):
                # A repeated idempotency key answers the first result, as 200.
                status = 200
            return JsonResponse(body, status=status)

        return wrapper

    return decorate


def _json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ScoringError(
            _("Le corps de la requête n'est pas du JSON valide."), code="invalid_json"
        ) from None


@api_view("GET")
def root(request: HttpRequest) -> dict:
    return {"service": "smart-citizen-scoring", "version": "1"}


@api_view("GET")
def household_points(request: HttpRequest, household_id: str) -> dict:
    return contract.get_points(household_id)


@api_view("DELETE")
def erase_household(request: HttpRequest, household_id: str) -> dict:
    return contract.erase_household(household_id)


@api_view("GET")
def household_sensors(request: HttpRequest, household_id: str) -> dict:
    return contract.get_sensors(
        household_id, request.GET.get("period"), request.GET.get("date")
    )


@api_view(("GET", "POST"), created_status=201)
def household_readings(request: HttpRequest, household_id: str) -> dict:
    if request.method == "GET":
        return contract.get_readings(
            household_id, request.GET.get("from"), request.GET.get("to")
        )
    return contract.send_readings(household_id, _json_body(request))


@api_view("GET")
def neighbourhood_summary(request: HttpRequest, neighbourhood_id: int) -> dict:
    return contract.get_neighbourhood_summary(
        neighbourhood_id, request.GET.get("period"), request.GET.get("date")
    )


@api_view("GET")
def leaderboard(request: HttpRequest, challenge_id: int) -> dict:
    return contract.get_leaderboard(challenge_id)


@api_view("POST", created_status=201)
def log_action(request: HttpRequest) -> dict:
    return contract.log_action(_json_body(request))


@api_view("POST", created_status=201)
def confirm_action(request: HttpRequest) -> dict:
    return contract.confirm_action(_json_body(request))


@api_view("POST", created_status=201)
def redeem(request: HttpRequest) -> dict:
    return contract.redeem(_json_body(request))


@api_view("POST", created_status=201)
def sensor_readings(request: HttpRequest) -> dict:
    return contract.send_town_sensor_values(_json_body(request))


@api_view("GET")
def town_sensors(request: HttpRequest, town_id: int) -> dict:
    return contract.get_town_sensors(
        town_id, request.GET.get("sensor_id"), request.GET.get("series")
    )


@csrf_exempt
@never_cache
def unknown_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    """JSON, not the site's HTML 404, for any other path under the API."""
    return _error(404, "unknown_path", _("Chemin inconnu dans l'API v1."))
