"""Parse and check request bodies and query parameters of the v1 contract.

The HTTP views and the embedded client both go through these functions, so a
bad body is refused the same way, with the same codes, in either set-up.
Nothing here touches the database.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from community.domains import Domain
from scoring.errors import InvalidRequest
from scoring.models import Metric, ProofLevel, ReadingSource

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
# Units one `POST actions` may award (`quantity`): a measured saving in points
# of a 1-point action, or a few repeats of a catalogue action. The largest
# entry stays 180 (difficulty 3, ongoing, confirmed) × 10,000 = 1,800,000.
MAX_ACTION_QUANTITY = 10_000


@dataclass(frozen=True)
class ActionRequest:
    household_id: str
    action: str
    domain: str
    occurred_at: datetime
    idempotency_key: str
    proof: str
    quantity: int = 1


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

    def count(self, name: str, maximum: int, default: int = 1) -> int:
        """A whole number from 1 to `maximum` (a JSON integer, not a boolean)."""
        value = self.body.get(name, default)
        # bool is an int in Python; `true` is not a number.
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 < value <= maximum
        ):
            self.errors[name] = _("Nombre entier attendu, de 1 à %(max)d.") % {
                "max": maximum
            }
            return default
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
    quantity = fields.count("quantity", MAX_ACTION_QUANTITY)
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
    return ActionRequest(
        household_id, action, domain, occurred_at, key, proof, quantity
    )


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


# --- POST households/{id}/readings -------------------------------------------

# Above these a value is a unit mistake (Wh sent as kWh), not a consumption.
MAX_DAILY_VALUE = Decimal("100000")
MAX_HOURLY_VALUE = Decimal("1000")
# A few years of daily values of the three metrics, two years of hours: bigger
# bodies are split by the sender (a year of load curve is 8,784 hours at most).
MAX_DAILY_ITEMS = 5000
MAX_HOURLY_ITEMS = 24 * 366 * 2
OLDEST_READING = date(2000, 1, 1)
# A refused body names at most this many items: enough to fix a sender.
MAX_ITEM_ERRORS = 20
DECIMAL_TEXT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
DAILY_PLACES = Decimal("0.001")
HOURLY_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class DailyReading:
    day: date
    metric: str
    value: Decimal  # quantized to DAILY_PLACES
    estimated: bool


@dataclass(frozen=True)
class HourReading:
    starts_at: datetime  # UTC, on the hour
    value: Decimal  # kWh, quantized to HOURLY_PLACES


@dataclass(frozen=True)
class ReadingsRequest:
    household_id: str
    source: str
    idempotency_key: str
    daily: tuple[DailyReading, ...]
    hourly: tuple[HourReading, ...]

    def fingerprint(self) -> str:
        """A digest of what the body asks, blind to order and number spelling."""
        canonical = {
            "source": self.source,
            "daily": sorted(
                [d.day.isoformat(), d.metric, str(d.value), d.estimated]
                for d in self.daily
            ),
            "hourly": sorted(
                [h.starts_at.isoformat(), str(h.value)] for h in self.hourly
            ),
        }
        text = json.dumps(canonical, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _reading_value(raw: object, places: Decimal, maximum: Decimal) -> Decimal | None:
    """A decimal string (a JSON number is accepted too) between 0 and `maximum`."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    text = str(raw).strip()
    if not DECIMAL_TEXT.fullmatch(text):
        return None
    value = Decimal(text)
    if value > maximum:
        return None
    return value.quantize(places, rounding=ROUND_HALF_UP)


class _Items:
    """Collects the errors of a list's items, at most MAX_ITEM_ERRORS of them."""

    def __init__(self, fields: _Fields, name: str, maximum: int) -> None:
        self.fields = fields
        self.name = name
        raw = fields.body.get(name)
        self.items: list = []
        if raw is None and name == "hourly":
            return
        if not isinstance(raw, list):
            fields.errors[name] = _("Une liste est attendue.")
        elif len(raw) > maximum:
            fields.errors[name] = _("Au plus %(max)d éléments par envoi.") % {
                "max": maximum
            }
        else:
            self.items = raw

    def error(self, index: int, field: str, message: str) -> None:
        errors = self.fields.errors
        if sum(1 for key in errors if "[" in key) < MAX_ITEM_ERRORS:
            errors[f"{self.name}[{index}].{field}"] = message


def _daily_readings(fields: _Fields) -> list[DailyReading]:
    items = _Items(fields, "daily", MAX_DAILY_ITEMS)
    today = timezone.localdate()
    found: list[DailyReading] = []
    seen: dict[tuple[date, str], int] = {}
    for index, item in enumerate(items.items):
        if not isinstance(item, dict):
            items.error(index, "item", _("Un objet est attendu."))
            continue
        day = None
        raw_day = item.get("date")
        if isinstance(raw_day, str):
            try:
                day = parse_date(raw_day)
            except ValueError:
                day = None
        if day is None:
            items.error(index, "date", _("Date attendue au format AAAA-MM-JJ."))
        elif day > today or day < OLDEST_READING:
            items.error(index, "date", _("Date hors des jours possibles."))
            day = None
        metric = item.get("metric")
        if metric not in Metric.values:
            items.error(
                index,
                "metric",
                _("Valeur attendue parmi : %(choices)s.")
                % {"choices": ", ".join(Metric.values)},
            )
            metric = None
        value = _reading_value(item.get("value"), DAILY_PLACES, MAX_DAILY_VALUE)
        if value is None:
            items.error(
                index,
                "value",
                _("Nombre décimal en texte, entre 0 et %(max)s.")
                % {"max": MAX_DAILY_VALUE},
            )
        estimated = item.get("estimated", False)
        if not isinstance(estimated, bool):
            items.error(index, "estimated", _("Vrai ou faux attendu."))
        if day is None or metric is None or value is None:
            continue
        if (day, metric) in seen:
            items.error(
                index,
                "date",
                _("Jour en double (déjà l'élément %(index)d).")
                % {"index": seen[(day, metric)]},
            )
            continue
        seen[(day, metric)] = index
        found.append(DailyReading(day, metric, value, bool(estimated)))
    return found


def _hour_readings(fields: _Fields) -> list[HourReading]:
    items = _Items(fields, "hourly", MAX_HOURLY_ITEMS)
    latest = timezone.now() + CLOCK_SKEW
    found: list[HourReading] = []
    seen: dict[datetime, int] = {}
    for index, item in enumerate(items.items):
        if not isinstance(item, dict):
            items.error(index, "item", _("Un objet est attendu."))
            continue
        starts_at = None
        raw = item.get("starts_at")
        if isinstance(raw, str):
            try:
                starts_at = parse_datetime(raw)
            except ValueError:
                starts_at = None
        if starts_at is None or timezone.is_naive(starts_at):
            items.error(
                index,
                "starts_at",
                _("Début d'heure ISO 8601 avec fuseau attendu."),
            )
            starts_at = None
        else:
            try:
                starts_at = starts_at.astimezone(UTC)
            except (OverflowError, ValueError):  # year 1 with a positive offset
                starts_at = datetime.min.replace(tzinfo=UTC)
            if starts_at.minute or starts_at.second or starts_at.microsecond:
                items.error(index, "starts_at", _("Une heure pile est attendue."))
                starts_at = None
            elif starts_at > latest or starts_at.date() < OLDEST_READING:
                items.error(index, "starts_at", _("Heure hors des heures possibles."))
                starts_at = None
        value = _reading_value(item.get("value"), HOURLY_PLACES, MAX_HOURLY_VALUE)
        if value is None:
            items.error(
                index,
                "value",
                _("Nombre décimal en texte, entre 0 et %(max)s.")
                % {"max": MAX_HOURLY_VALUE},
            )
        if starts_at is None or value is None:
            continue
        if starts_at in seen:
            items.error(
                index,
                "starts_at",
                _("Heure en double (déjà l'élément %(index)d).")
                % {"index": seen[starts_at]},
            )
            continue
        seen[starts_at] = index
        found.append(HourReading(starts_at, value))
    return found


def parse_readings(public_id: str, body: object) -> ReadingsRequest:
    """Check a `POST households/{id}/readings` body (the path names the household)."""
    fields = _Fields(body)
    household_id = fields.text("household_id", PUBLIC_ID)
    if household_id and household_id != public_id:
        fields.errors["household_id"] = _("Ne correspond pas au foyer de l'adresse.")
    source = fields.choice("source", list(ReadingSource.values))
    key = fields.text("idempotency_key", IDEMPOTENCY_KEY)
    daily = _daily_readings(fields)
    hourly = _hour_readings(fields)
    if not fields.errors and not daily and not hourly:
        fields.errors["daily"] = _("Aucun relevé à enregistrer.")
    fields.done()
    return ReadingsRequest(household_id, source, key, tuple(daily), tuple(hourly))


# --- GET households/{id}/readings --------------------------------------------

# A year of hourly electricity is 8,784 items at most: one call stays a few
# hundred kilobytes. Longer spans are asked year by year.
MAX_READING_SPAN_DAYS = 366


def parse_reading_span(start: str | None, end: str | None) -> tuple[date, date]:
    """Check the `from` and `to` query parameters (inclusive, ≤ 366 days)."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, raw in (("from", start), ("to", end)):
        day = None
        if raw:
            try:
                day = parse_date(raw)
            except ValueError:
                day = None
        if day is None:
            errors[name] = _("Date attendue au format AAAA-MM-JJ.")
        days[name] = day
    first, last = days["from"], days["to"]
    if first is not None and last is not None:
        if last < first:
            errors["to"] = _("La fin précède le début.")
        elif (last - first).days + 1 > MAX_READING_SPAN_DAYS:
            errors["to"] = _("Au plus %(days)d jours par demande.") % {
                "days": MAX_READING_SPAN_DAYS
            }
    if errors:
        raise InvalidRequest(
            _("Paramètres invalides."), code="invalid_query", fields=errors
        )
    assert first is not None and last is not None  # noqa: S101
    return first, last
