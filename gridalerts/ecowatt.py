"""Reading RTE's Ecowatt signal: the public JSON, checked strictly.

The shape (« signaux » API v4/v5): `{"signals": [day, …]}`, each day
`{"jour": "2026-12-07T00:00:00+01:00", "dvalue": 1|2|3, "message": "…",
"values": [{"pas": 0…23, "hvalue": 0…3}, …]}` (other keys, such as
`GenerationFichier`, are ignored). Any error refuses the whole file: an
import either takes every day or changes nothing.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

# A week of signal is about 10 KB; RTE publishes four days.
MAX_BYTES = 512 * 1024
MAX_DAYS = 31
MAX_MESSAGE = 500
HOURS = range(24)


class EcowattError(ValueError):
    """The signal is unreadable; `errors` says where and why (nothing imported)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SignalDay:
    day: date
    dvalue: int
    message: str
    # The level of each hour, 0 to 23.
    hourly: tuple[int, ...]


def _level(raw: object, low: int, high: int) -> int | None:
    # bool is an int in Python: true is not a level.
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        return None
    return raw


def _day(index: int, item: object, errors: list[str]) -> SignalDay | None:
    where = _("jour %(index)d") % {"index": index + 1}
    if not isinstance(item, dict):
        errors.append(_("%(where)s : un objet est attendu.") % {"where": where})
        return None
    found: dict = {}
    jour = item.get("jour")
    try:
        moment = datetime.fromisoformat(jour) if isinstance(jour, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors.append(
            _("%(where)s : « jour » doit être une date ISO avec fuseau.")
            % {"where": where}
        )
    else:
        # The day as RTE names it, in its own offset (Paris).
        found["day"] = moment.date()
    dvalue = _level(item.get("dvalue"), 1, 3)
    if dvalue is None:
        errors.append(
            _("%(where)s : « dvalue » doit valoir 1, 2 ou 3.") % {"where": where}
        )
    message = item.get("message", "")
    if not isinstance(message, str) or len(message) > MAX_MESSAGE:
        errors.append(
            _(
                "%(where)s : « message » doit être un texte "
                "de %(max)d caractères au plus."
            )
            % {"where": where, "max": MAX_MESSAGE}
        )
    hourly = _hours(where, item.get("values"), errors)
    if (
        "day" not in found
        or dvalue is None
        or hourly is None
        or not isinstance(message, str)
    ):
        return None
    return SignalDay(found["day"], dvalue, message.strip()[:MAX_MESSAGE], hourly)


def _hours(where: str, values: object, errors: list[str]) -> tuple[int, ...] | None:
    if not isinstance(values, list) or len(values) != len(HOURS):
        errors.append(
            _("%(where)s : « values » doit lister les 24 heures.") % {"where": where}
        )
        return None
    levels: dict[int, int] = {}
    for value in values:
        pas = _level(value.get("pas") if isinstance(value, dict) else None, 0, 23)
        hvalue = _level(value.get("hvalue") if isinstance(value, dict) else None, 0, 3)
        if pas is None or hvalue is None or pas in levels:
            errors.append(
                _(
                    "%(where)s : chaque heure doit avoir un « pas » de 0 à 23, "
                    "une seule fois, et un « hvalue » de 0 à 3."
                )
                % {"where": where}
            )
            return None
        levels[pas] = hvalue
    return tuple(levels[hour] for hour in HOURS)


def parse_signal(raw: bytes | str) -> list[SignalDay]:
    """The days of a signal, in order; raises EcowattError (nothing usable)."""
    if len(raw) > MAX_BYTES:
        raise EcowattError([_("Fichier trop gros (512 Ko au plus).")])
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise EcowattError(
            [_("JSON illisible : %(error)s") % {"error": error}]
        ) from None
    signals = body.get("signals") if isinstance(body, dict) else None
    if not isinstance(signals, list) or not signals:
        raise EcowattError([_("Une liste « signals » non vide est attendue.")])
    if len(signals) > MAX_DAYS:
        raise EcowattError([_("Au plus %(max)d jours par signal.") % {"max": MAX_DAYS}])
    errors: list[str] = []
    days = [_day(index, item, errors) for index, item in enumerate(signals)]
    seen: set[date] = set()
    for day in days:
        if day is not None and day.day in seen:
            errors.append(
                _("Le jour %(day)s apparaît deux fois.") % {"day": day.day.isoformat()}
            )
        elif day is not None:
            seen.add(day.day)
    if errors:
        raise EcowattError(errors)
    return sorted((day for day in days if day is not None), key=lambda d: d.day)
