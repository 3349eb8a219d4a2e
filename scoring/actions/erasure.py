"""The right to erasure: every scoring row of a household goes."""

from django.db import connection, transaction

from community.models import Household
from scoring.models import (
    HourlyReading,
    HouseholdBalance,
    LedgerEntry,
    MetricBaseline,
    ReadingBatch,
    SensorReading,
)


def do_erase_household_scoring(household: Household) -> None:
    """Remove every scoring row of a household (the right to erasure)."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            # The ledger trigger lets a DELETE through only with this flag. It is
            # local to the transaction, and switched off again right after, in
            # case an outer transaction (a wider erasure) goes on.
            cursor.execute("SELECT set_config('scoring.ledger_erasure', 'on', true)")
        cursor.execute(
            f"DELETE FROM {LedgerEntry._meta.db_table} WHERE household_id = %s",  # noqa: S608
            [household.pk],
        )
        if postgresql:
            cursor.execute("SELECT set_config('scoring.ledger_erasure', 'off', true)")
        HouseholdBalance.objects.filter(household=household).delete()
        SensorReading.objects.filter(household=household).delete()
        HourlyReading.objects.filter(household=household).delete()
        MetricBaseline.objects.filter(household=household).delete()
        ReadingBatch.objects.filter(household=household).delete()
