"""Errors of the scoring-core contract, shared by the engine, the API and the client.

A `ScoringError` is a refusal the caller can act on (bad body, unknown id,
short balance): the HTTP API answers it as `{"error": {"code", "message"}}` with
its status, and the HTTP client raises the same class back from that body, so
callers see the same exception whichever set-up runs. `ScoringUnavailable` is
different: the core is slow, down or answering garbage; pages show
"données indisponibles" instead of an error.
"""

from django.utils.translation import gettext_lazy as _


class ScoringError(Exception):
    """A refusal from the scoring core, with a stable machine-readable code."""

    status = 400
    default_code = "bad_request"

    def __init__(
        self, message: str = "", code: str = "", fields: dict | None = None
    ) -> None:
        self.code = code or self.default_code
        self.message = str(message) or self.code
        self.fields = fields or {}
        super().__init__(self.message)

    def as_body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class InvalidRequest(ScoringError):
    status = 400
    default_code = "invalid_body"


class Unauthorised(ScoringError):
    status = 401
    default_code = "unauthorized"


class NotFound(ScoringError):
    status = 404
    default_code = "not_found"


class Conflict(ScoringError):
    status = 409
    default_code = "conflict"


class InsufficientPoints(Conflict):
    default_code = "insufficient_points"


ERROR_CLASSES: dict[int, type[ScoringError]] = {
    400: InvalidRequest,
    401: Unauthorised,
    404: NotFound,
    409: Conflict,
}


def error_from_body(status: int, body: object) -> ScoringError:
    """Rebuild the engine's exception from an HTTP error answer."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    code = str(error.get("code") or "")
    if code == InsufficientPoints.default_code:
        cls: type[ScoringError] = InsufficientPoints
    else:
        cls = ERROR_CLASSES.get(status, ScoringError)
    fields = error.get("fields") if isinstance(error.get("fields"), dict) else None
    return cls(str(error.get("message") or ""), code=code, fields=fields)


class ScoringUnavailable(Exception):
    """The core did not answer usefully in time: show « données indisponibles »."""

    message = _("Données indisponibles")

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        super().__init__(reason or "scoring core unavailable")
