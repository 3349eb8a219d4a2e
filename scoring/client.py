"""The one entry point of the site into the scoring core (DESIGN.md, contract v1).

Every other app calls these functions and nothing else of `scoring`. With
`settings.SCORING_CORE_URL` empty they call the embedded engine in process;
otherwise they call a remote core over HTTP (`scoring.transport`). Either way
they return the same JSON-shaped dicts (docs/scoring-core.md) and raise:

- `ScoringError` (and its subclasses `InvalidRequest`, `NotFound`, `Conflict`,
  `InsufficientPoints`): a refusal with a `code`; nothing was written;
- `ScoringUnavailable` (HTTP only): the core is slow, down or confused. Pages
  catch it and show its `message`, « Données indisponibles ».
"""

import uuid
from datetime import date, datetime

from django.conf import settings

from community.models import Household, Neighbourhood
from scoring import transport
from scoring.engine import contract
from scoring.engine.town_sensors import MAX_SENSOR_ITEMS
from scoring.engine.town_sensors import observed_at as check_sensor_instant
from scoring.engine.town_sensors import sensor_value as check_sensor_value
from scoring.engine.validation import (
    MAX_ACTION_QUANTITY,
    MAX_READING_SPAN_DAYS,
    OLDEST_READING,
)
from scoring.errors import (
    Conflict,
    InsufficientPoints,
    InvalidRequest,
    NotFound,
    ScoringError,
    ScoringUnavailable,
)
from scoring.models import ProofLevel

__all__ = [
    "Conflict",
    "InsufficientPoints",
    "InvalidRequest",
    "MAX_ACTION_QUANTITY",
    "MAX_READING_SPAN_DAYS",
    "MAX_SENSOR_ITEMS",
    "NotFound",
    "OLDEST_READING",
    "ScoringError",
    "ScoringUnavailable",
    "breaker_open",
    "check_sensor_instant",
    "check_sensor_value",
    "confirm_action",
    "erase_household",
    "get_leaderboard",
    "get_neighbourhood_summary",
    "get_points",
    "get_readings",
    "get_sensor_summary",
    "get_town_sensors",
    "is_embedded",
    "log_action",
    "new_idempotency_key",
    "redeem",
    "send_readings",
    "send_town_sensor_values",
    "unavailable_message",
]


def is_embedded() -> bool:
    """True when the engine runs in this process (no SCORING_CORE_URL)."""
    return not settings.SCORING_CORE_URL


def breaker_open() -> bool:
    """True while a remote core is known down: calls would fail at once."""
    return not is_embedded() and transport.is_open()


def new_idempotency_key() -> str:
    """A fresh key; make it once per user intent (a form render), not per send."""
    return uuid.uuid4().hex


def unavailable_message() -> str:
    """The text a page shows instead of scoring data it could not get."""
    return str(ScoringUnavailable.message)


def _points_path(public_id: str) -> str:
    return f"households/{transport.segment(public_id)}/points"


def get_points(household: Household) -> dict:
    """Balance (`total`), `earned`, `redeemed`, `by_domain`, `updated_at`."""
    if is_embedded():
        return contract.get_points(household.public_id)
    return transport.get(_points_path(household.public_id))


def get_sensor_summary(
    household: Household, period: str = "month", on: date | None = None
) -> dict:
    """Per metric: daily values, total, baseline, change in %, euros saved."""
    day = on.isoformat() if on else None
    if is_embedded():
        return contract.get_sensors(household.public_id, period, day)
    return transport.get(
        f"households/{transport.segment(household.public_id)}/sensors",
        {"period": period, "date": day},
    )


def get_readings(household: Household, *, start: date, end: date) -> dict:
    """Every stored reading of the days `start` to `end` (MAX_READING_SPAN_DAYS).

    `daily` (date, metric, value as a decimal string, `estimated`, `source`)
    and `hourly` electricity (`starts_at` in UTC, value, source), and
    `first_day`, the household's first day with a reading (None without any).
    Over HTTP the answer is never cached: it is large and read once (« Mes
    données »), and it must show what the core holds when it is asked.
    """
    if is_embedded():
        return contract.get_readings(
            household.public_id, start.isoformat(), end.isoformat()
        )
    return transport.get(
        f"households/{transport.segment(household.public_id)}/readings",
        {"from": start.isoformat(), "to": end.isoformat()},
        use_cache=False,
    )


def get_neighbourhood_summary(
    neighbourhood: Neighbourhood, period: str = "month", on: date | None = None
) -> dict:
    """Per-household means; a metric is None under 5 contributing households."""
    day = on.isoformat() if on else None
    if is_embedded():
        return contract.get_neighbourhood_summary(neighbourhood.pk, period, day)
    return transport.get(
        f"neighbourhoods/{neighbourhood.pk}/summary", {"period": period, "date": day}
    )


def get_leaderboard(challenge_id: int, *, fresh: bool = False) -> dict:
    """Teams ranked by points or change in % per household (see the contract).

    `fresh=True` (after a change, for the live event) asks a remote core again
    instead of answering from the client's cache, and refreshes that cache.
    """
    if is_embedded():
        return contract.get_leaderboard(challenge_id)
    return transport.get(f"leaderboards/{int(challenge_id)}", fresh=fresh)


def _write(path: str, body: dict, public_id: str) -> dict:
    if is_embedded():
        call = {
            "actions": contract.log_action,
            "confirmations": contract.confirm_action,
            "redemptions": contract.redeem,
        }[path]
        return call(body)
    answer = transport.post(path, body)
    transport.forget(_points_path(public_id))
    return answer


def log_action(
    household: Household,
    *,
    action: str,
    domain: str,
    occurred_at: datetime,
    idempotency_key: str,
    proof: str = ProofLevel.DECLARED,
    quantity: int = 1,
) -> dict:
    """Log an action: `points_awarded` and the new `total`; a key awards once.

    `quantity` (1 to MAX_ACTION_QUANTITY) units of the action in one entry:
    points = the action's points at `proof` × quantity.
    """
    body = {
        "household_id": household.public_id,
        "action": action,
        "domain": domain,
        "occurred_at": occurred_at.isoformat(),
        "proof": str(proof),
        "idempotency_key": idempotency_key,
    }
    if quantity != 1:
        # Left out when 1: a core of contract v1 before `quantity` takes it.
        body["quantity"] = quantity
    return _write("actions", body, household.public_id)


def confirm_action(
    household: Household, *, action_key: str, proof: str, idempotency_key: str
) -> dict:
    """Raise the proof of the action logged with `action_key` (photo, confirmed)."""
    body = {
        "household_id": household.public_id,
        "action_key": action_key,
        "proof": str(proof),
        "idempotency_key": idempotency_key,
    }
    return _write("confirmations", body, household.public_id)


def redeem(
    household: Household, *, reward_id: str, points: int, idempotency_key: str
) -> dict:
    """Spend points; raises InsufficientPoints (409) when the balance is short."""
    body = {
        "household_id": household.public_id,
        "reward_id": str(reward_id),
        "points": points,
        "idempotency_key": idempotency_key,
    }
    return _write("redemptions", body, household.public_id)


def send_readings(
    household: Household,
    *,
    source: str,
    daily: list[dict],
    hourly: list[dict] | None = None,
    idempotency_key: str,
) -> dict:
    """Send a household's daily values (and hourly electricity); the days replace.

    Answers `days_created`, `days_replaced`, `days_unchanged`, `hours_stored`,
    `first_day`, `last_day` (and `replayed`). Idempotent by its key, so the
    HTTP client retries it; raises ScoringUnavailable when a remote core does
    not answer, and InvalidRequest (nothing stored) for a bad body.
    """
    body = {
        "household_id": household.public_id,
        "source": str(source),
        "idempotency_key": idempotency_key,
        "daily": daily,
        "hourly": hourly or [],
    }
    if is_embedded():
        return contract.send_readings(household.public_id, body)
    segment = transport.segment(household.public_id)
    answer = transport.post(f"households/{segment}/readings", body)
    # Today's summaries, as the dashboard asks them, show the new days at once.
    for period in ("week", "month", "year"):
        transport.forget(f"households/{segment}/sensors", {"period": period})
    return answer


def erase_household(household: Household) -> None:
    """Tell the scoring core to forget a household (ledger, balance, readings).

    `DELETE households/{id}`, an addition to contract v1 (docs/scoring-core.md);
    idempotent, so the HTTP client may retry it. Cached answers about the
    household are dropped.
    """
    if is_embedded():
        from scoring.actions import do_erase_household_scoring

        do_erase_household_scoring(household)
        return
    segment = transport.segment(household.public_id)
    transport.delete(f"households/{segment}")
    transport.forget(_points_path(household.public_id))


def send_town_sensor_values(town_id: int, values: list[dict]) -> dict:
    """Store values of a town's sensors: `values` are `{sensor_id, observed_at
    (aware datetime or ISO text), value}`, at most 1,000 per call.

    Stored whole or refused whole (InvalidRequest naming the bad items); the
    same sensor and instant again replaces its value, so the HTTP client may
    retry. Answers `stored` and `sensors`, the latest value (`sensor_id`,
    `observed_at`, `value`) of each sensor the call touched.
    """
    body = [
        {
            "town_id": int(town_id),
            "sensor_id": item["sensor_id"],
            "observed_at": (
                item["observed_at"].isoformat()
                if isinstance(item["observed_at"], datetime)
                else item["observed_at"]
            ),
            "value": item["value"],
        }
        for item in values
    ]
    if is_embedded():
        return contract.send_town_sensor_values(body)
    answer = transport.post("sensors/readings", body)
    return answer


def get_town_sensors(
    town_id: int, *, sensor_id: str | None = None, series: bool = True
) -> dict:
    """The latest value of each sensor the core holds values for in the town
    (or of `sensor_id` only) and, with `series`, its last 7 days (`step` raw,
    or hourly means when there are many values). The site keeps the sensors
    it knows. Over HTTP the answer is never cached: values move every minute.
    """
    params = {"sensor_id": sensor_id or None, "series": "week" if series else "none"}
    if is_embedded():
        return contract.get_town_sensors(int(town_id), sensor_id, params["series"])
    return transport.get(f"towns/{int(town_id)}/sensors", params, use_cache=False)
