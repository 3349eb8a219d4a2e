"""Parse and check request bodies and query parameters of the v1 contract.

The HTTP views and the embedded client both go through these functions, so a
bad body is refused the same way, with the same codes, in either set-up.
Nothing here touches the database.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from community.domains import Domain
from scoring.errors import InvalidRequest
from scoring.models import ProofLevel

from .periods import PERIODS, Period, period_containing

# Matched with fullmatch: a trailing newline or a NUL byte never gets through
# (PostgreSQL refuses NUL in text, which would otherwise be a 500).
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
REWARD_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ACTION_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Clocks of phones and servers drift: a few minutes "in the future" is allowed.
CLOCK_SKEW = timedelta(minutes=5)
MAX_REDEMPTION_POINTS = 1_000_000


@dataclass(frozen=True)
class ActionRequest:
    household_id: str
    action: str
    domain: str
    occurred_at: datetime
    idempotency_key: str
    proof: str


@dataclass(frozen=True)
class ConfirmationRequest:
    household_id: str
    action_key: str
    proof: str
    idempotency_key: str


@dataclass(frozen=True)
class RedemptionRequest:
    household_id: str
    reward_id: str
    points: int
    idempotency_key: str


class _Fields:
    """Collects every field error of a body before refusing it once."""

    def __init__(self, body: object) -> None:
        if not isinstance(body, dict):
            raise InvalidRequest(
                _("Le corps de la requête doit être un objet JSON."),
                code="invalid_body",
            )
        self.body = body
        self.errors: dict[str, str] = {}

    def text(self, name: str, pattern: re.Pattern | None = None) -> str:
        value = self.body.get(name)
        if not isinstance(value, str) or not value.strip():
            self.errors[name] = _("Champ obligatoire (texte).")
            return ""
        if pattern is not None and not pattern.fullmatch(value):
            self.errors[name] = _("Format invalide.")
        return value

    def choice(self, name: str, choices: list[str], default: str | None = None) -> str:
        value = self.body.get(name, default)
        if value not in choices:
            self.errors[name] = _("Valeur attendue parmi : %(choices)s.") % {
                "choices": ", ".join(choices)
            }
            return ""
        return value

    def done(self) -> None:
        if self.errors:
            raise InvalidRequest(
                _("Certains champs sont invalides."),
                code="invalid_body",
                fields=self.errors,
            )


def parse_action(body: object) -> ActionRequest:
    """Check a `POST actions` body."""
    fields = _Fields(body)
    household_id = fields.text("household_id", PUBLIC_ID)
    action = fields.text("action", ACTION_CODE)
    domain = fields.choice("domain", list(Domain.values))
    key = fields.text("idempotency_key", IDEMPOTENCY_KEY)
    proof = fields.choice("proof", list(ProofLevel.values), ProofLevel.DECLARED)
    occurred_at = _aware_datetime(fields, "occurred_at")
    if occurred_at is not None:
        now = timezone.now()
        max_delay = settings.SMARTCITIZEN["ACTION_MAX_DELAY_DAYS"]
        if occurred_at > now + CLOCK_SKEW:
            fields.errors["occurred_at"] = _("La date est dans le futur.")
        elif occurred_at < now - timedelta(days=max_delay):
            fields.errors["occurred_at"] = _(
                "Une action se déclare au plus %(days)d jours après."
            ) % {"days": max_delay}
    fields.done()
    assert occurred_at is not None  # noqa: S101 (done() raised otherwise)
    return ActionRequest(household_id, action, domain, occurred_at, key, proof)


def parse_confirmation(body: object) -> ConfirmationRequest:
    """Check a `POST confirmations` body."""
    fields = _Fields(body)
    request = ConfirmationRequest(
        household_id=fields.text("household_id", PUBLIC_ID),
        action_key=fields.text("action_key", IDEMPOTENCY_KEY),
        proof=fields.choice("proof", [ProofLevel.PHOTO, ProofLevel.CONFIRMED]),
        idempotency_key=fields.text("idempotency_key", IDEMPOTENCY_KEY),
    )
    fields.done()
    return request


def parse_redemption(body: object) -> RedemptionRequest:
    """Check a `POST redemptions` body."""
    fields = _Fields(body)
    household_id = fields.text("household_id", PUBLIC_ID)
    reward_id = fields.text("reward_id", REWARD_ID)
    key = fields.text("idempotency_key", IDEMPOTENCY_KEY)
    points = fields.body.get("points")
    # bool is an int in Python; `true` is not a number of points.
    if (
        not isinstance(points, int)
        or isinstance(points, bool)
        or not 0 < points <= MAX_REDEMPTION_POINTS
    ):
        fields.errors["points"] = _("Un nombre entier de points, positif.")
        points = 0
    fields.done()
    return RedemptionRequest(household_id, reward_id, points, key)


def parse_period(period: str | None, on: str | None) -> Period:
    """Check the `period` and `date` query parameters of the summaries."""
    errors: dict[str, str] = {}
    if period not in PERIODS:
        errors["period"] = _("Valeur attendue parmi : %(choices)s.") % {
            "choices": ", ".join(PERIODS)
        }
    day: date | None = timezone.localdate()
    if on:
        try:
            day = parse_date(on)
        except ValueError:
            day = None
        if day is None:
            errors["date"] = _("Date attendue au format AAAA-MM-JJ.")
    if errors:
        raise InvalidRequest(
            _("Paramètres invalides."), code="invalid_query", fields=errors
        )
    assert day is not None and period is not None  # noqa: S101
    return period_containing(period, day)


def _aware_datetime(fields: _Fields, name: str) -> datetime | None:
    raw = fields.body.get(name)
    value = None
    if isinstance(raw, str):
        try:
            value = parse_datetime(raw)
        except ValueError:
            value = None
    if value is None or timezone.is_naive(value):
        fields.errors[name] = _(
            "Date et heure ISO 8601 avec fuseau attendues, "
            "ex. 2026-05-04T08:30:00+02:00."
        )
        return None
    return value
