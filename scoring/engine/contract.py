"""The v1 contract as Python calls: JSON-ready dicts in, JSON-ready dicts out.

The HTTP views and the embedded client both call these, so the two set-ups
answer the same bodies and raise the same `ScoringError`s.
"""

from functools import cache

from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _

from community.models import Household, HouseholdStatus, TownPage
from community.towns import policy
from scoring import actions
from scoring.errors import Conflict, InvalidRequest, NotFound
from scoring.models import ActionType

from . import leaderboards, points, readings, sensors, town_sensors, validation


def _household(public_id: str, *, with_neighbourhood: bool = False) -> Household:
    household = None
    if validation.PUBLIC_ID.fullmatch(public_id):
        households = Household.objects.filter(public_id=public_id)
        if with_neighbourhood:
            # The town too: its tariffs price the savings (no query more).
            households = households.select_related("neighbourhood__town")
        household = households.first()
    if household is None:
        raise NotFound(_("Foyer inconnu."), code="unknown_household")
    return household


# What `POST actions` reads of the household and of the catalogue action.
ACTION_HOUSEHOLD_FIELDS = {"id", "public_id", "status"}
ACTION_TYPE_FIELDS = {
    "id",
    "code",
    "domain",
    "difficulty",
    "commitment",
    "fixed_points",
}


@cache
def _household_and_action_query() -> tuple[str, list[str], list[str]]:
    """The SQL, then the household's and the action's columns in its order.

    In the models' field order, which `Model.from_db` expects.
    """
    quote = connection.ops.quote_name

    def attnames(model: type[Model], names: set[str]) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields if f.name in names]

    household = attnames(Household, ACTION_HOUSEHOLD_FIELDS)
    action = attnames(ActionType, ACTION_TYPE_FIELDS)
    selected = [f"h.{quote(name)}" for name in household] + [
        f"a.{quote(name)}" for name in action
    ]
    sql = (
        f"SELECT {', '.join(selected)}"  # noqa: S608 (names from the models)
        f" FROM {quote(Household._meta.db_table)} h"
        f" LEFT JOIN {quote(ActionType._meta.db_table)} a"
        " ON a.code = %s AND a.active = %s WHERE h.public_id = %s"
    )
    return sql, household, action


def _household_and_action(
    public_id: str, code: str
) -> tuple[Household, ActionType | None]:
    """The household (404 if unknown) and the active catalogue action `code`.

    `POST actions` must take hundreds a second (issue 14): one query for both,
    and no ORM query to compile. The instances hold the fields an action
    reads; Django loads any other on access.
    """
    sql, household_fields, action_fields = _household_and_action_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [code, True, public_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("Foyer inconnu."), code="unknown_household")
    split = len(household_fields)
    household = Household.from_db(connection.alias, household_fields, row[:split])
    if row[split] is None:
        return household, None
    return household, ActionType.from_db(connection.alias, action_fields, row[split:])


def _recorded_body(recorded: actions.Recorded) -> dict:
    entry = recorded.entry
    return {
        "household_id": entry.household.public_id,
        "idempotency_key": entry.idempotency_key,
        "points_awarded": entry.points,
        "total": recorded.total,
        "replayed": recorded.replayed,
    }


def get_points(public_id: str) -> dict:
    """`GET households/{id}/points`."""
    return points.household_points(_household(public_id))


def erase_household(public_id: str) -> dict:
    """`DELETE households/{id}`: forget its ledger, balance, readings, baselines.

    An addition to v1 (the right to erasure); idempotent: erasing again finds
    nothing left and answers the same.
    """
    household = _household(public_id)
    actions.do_erase_household_scoring(household)
    return {"household_id": household.public_id, "erased": True}


def get_sensors(public_id: str, period: str | None, on: str | None = None) -> dict:
    """`GET households/{id}/sensors?period=&date=`."""
    checked = validation.parse_period(period, on)
    household = _household(public_id, with_neighbourhood=True)
    town = household.neighbourhood.town
    return sensors.household_summary(
        household.pk, household.public_id, checked, town.pk, policy(town).tariffs
    )


def get_neighbourhood_summary(
    neighbourhood_id: int, period: str | None, on: str | None = None
) -> dict:
    """`GET neighbourhoods/{id}/summary?period=&date=`."""
    checked = validation.parse_period(period, on)
    # The neighbourhood's town: whether it exists, and the tariffs it uses.
    town = TownPage.objects.filter(neighbourhoods=neighbourhood_id).first()
    if town is None:
        raise NotFound(_("Quartier inconnu."), code="unknown_neighbourhood")
    household_ids = list(
        Household.objects.filter(neighbourhood_id=neighbourhood_id).values_list(
            "pk", flat=True
        )
    )
    return sensors.neighbourhood_summary(
        neighbourhood_id, household_ids, checked, policy(town).tariffs
    )


def send_readings(public_id: str, body: object) -> dict:
    """`POST households/{id}/readings`: daily values, and hourly electricity.

    The same days again replace those days; the same key and body answer the
    first result again (`replayed`), the same key with another body is a 409.
    """
    request = validation.parse_readings(public_id, body)
    household = _household(public_id)
    if household.status == HouseholdStatus.LEFT:
        raise Conflict(_("Ce foyer a quitté le programme."), code="household_left")
    return actions.do_store_readings(household, request)


def get_readings(public_id: str, start: str | None, end: str | None) -> dict:
    """`GET households/{id}/readings?from=&to=`: every stored reading of the span.

    At most 366 days per call (`invalid_query` otherwise), so that a year of
    hourly electricity is the largest answer; a longer history is asked span
    by span, from the answer's `first_day`.
    """
    first, last = validation.parse_reading_span(start, end)
    household = _household(public_id)
    return readings.household_readings(household.pk, household.public_id, first, last)


def get_leaderboard(challenge_id: int) -> dict:
    """`GET leaderboards/{challenge_id}`."""
    return leaderboards.leaderboard(challenge_id)


def log_action(body: object) -> dict:
    """`POST actions`."""
    request = validation.parse_action(body)
    household, action_type = _household_and_action(request.household_id, request.action)
    if household.status == HouseholdStatus.LEFT:
        raise Conflict(_("Ce foyer a quitté le programme."), code="household_left")
    if action_type is None:
        raise InvalidRequest(
            _("Action inconnue du catalogue."),
            code="unknown_action",
            fields={"action": _("Action inconnue du catalogue.")},
        )
    recorded = actions.do_log_action(
        household,
        action_type,
        domain=request.domain,
        occurred_at=request.occurred_at,
        proof=request.proof,
        idempotency_key=request.idempotency_key,
        quantity=request.quantity,
    )
    return {
        **_recorded_body(recorded),
        "action": action_type.code,
        "proof": request.proof,
        "quantity": recorded.entry.quantity,
    }


def confirm_action(body: object) -> dict:
    """`POST confirmations`: raise the proof level of a logged action."""
    request = validation.parse_confirmation(body)
    recorded = actions.do_raise_proof(
        _household(request.household_id),
        action_key=request.action_key,
        proof=request.proof,
        idempotency_key=request.idempotency_key,
    )
    return {
        **_recorded_body(recorded),
        "action_key": request.action_key,
        "proof": request.proof,
    }


def redeem(body: object) -> dict:
    """`POST redemptions`."""
    request = validation.parse_redemption(body)
    recorded = actions.check_redeem(
        _household(request.household_id),
        reward_id=request.reward_id,
        points=request.points,
        idempotency_key=request.idempotency_key,
    )
    return {
        **_recorded_body(recorded),
        "reward_id": request.reward_id,
        "points_spent": -recorded.entry.points,
    }


def send_town_sensor_values(body: object) -> dict:
    """`POST sensors/readings`: one value or a list; stored whole or refused whole."""
    values = town_sensors.parse_sensor_readings(body)
    return actions.do_store_town_sensor_values(values)


def get_town_sensors(
    town_id: int, sensor_id: str | None = None, series: str | None = None
) -> dict:
    """`GET towns/{id}/sensors?sensor_id=&series=week|none`."""
    sensor_id, series = town_sensors.parse_town_query(sensor_id, series)
    if not 0 < town_id <= town_sensors.MAX_TOWN_ID:
        # No town has that id (it would not fit the column): nothing is known.
        return {"town_id": town_id, "since": None, "sensors": []}
    return town_sensors.town_sensors(town_id, sensor_id, series)
