"""Every write to the scoring tables goes through here.

`points`: the append-only ledger and balances; `catalogue`: catalogue
actions the site awards itself; `readings`: daily and hourly
readings and their baselines; `erasure`: the right to erasure.
"""

from .catalogue import ensure_action_type
from .degree_days import do_import_degree_days
from .erasure import do_erase_household_scoring
from .points import Recorded, check_redeem, do_log_action, do_raise_proof
from .readings import (
    FIRST_WEEKS_DAYS,
    ImportResult,
    ReadingRow,
    do_import_readings,
    do_store_readings,
)
from .town_sensors import do_store_town_sensor_values

__all__ = [
    "FIRST_WEEKS_DAYS",
    "ImportResult",
    "ReadingRow",
    "Recorded",
    "check_redeem",
    "do_erase_household_scoring",
    "do_import_degree_days",
    "do_import_readings",
    "do_log_action",
    "do_raise_proof",
    "do_store_readings",
    "do_store_town_sensor_values",
    "ensure_action_type",
]
