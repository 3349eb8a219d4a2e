"""Tables of the embedded scoring engine, written only by `scoring.actions`."""

from .catalogue import ActionType, Commitment, ProofLevel, base_points, points_for
from .ledger import AppendOnlyError, EntryKind, HouseholdBalance, LedgerEntry
from .sensors import (
    DegreeDay,
    HourlyReading,
    Metric,
    MetricBaseline,
    ReadingBatch,
    ReadingSource,
    SensorReading,
)
from .town_sensors import TownSensorLatest, TownSensorReading

__all__ = [
    "ActionType",
    "AppendOnlyError",
    "Commitment",
    "DegreeDay",
    "EntryKind",
    "HourlyReading",
    "HouseholdBalance",
    "LedgerEntry",
    "Metric",
    "MetricBaseline",
    "ProofLevel",
    "ReadingBatch",
    "ReadingSource",
    "SensorReading",
    "TownSensorLatest",
    "TownSensorReading",
    "base_points",
    "points_for",
]
