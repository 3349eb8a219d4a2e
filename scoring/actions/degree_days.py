"""Writes of a town's heating degree-day series."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from community.models import TownPage
from scoring.models import DegreeDay

from .readings import ImportResult


def do_import_degree_days(town: TownPage, rows: dict[date, Decimal]) -> ImportResult:
    """Store a town's DJU per day; a day already stored is replaced. One transaction."""
    with transaction.atomic():
        stored = dict(
            DegreeDay.objects.filter(town=town, date__in=list(rows)).values_list(
                "date", "value"
            )
        )
        changed = [
            DegreeDay(town=town, date=day, value=value)
            for day, value in rows.items()
            if stored.get(day) != value
        ]
        DegreeDay.objects.bulk_create(
            changed,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["town", "date"],
            update_fields=["value"],
        )
    created = sum(1 for row in changed if row.date not in stored)
    return ImportResult(created, len(changed) - created, len(rows) - len(changed))
