"""Tables of the embedded scoring engine, written only by `scoring.actions`."""

from .catalogue import ActionType, Commitment, ProofLevel, base_points, points_for
from .ledger import AppendOnlyError, EntryKind, HouseholdBalance, LedgerEntry
from .sensors import Metric, MetricBaseline, SensorReading

__all__ = [
    "ActionType",
    "AppendOnlyError",
    "Commitment",
    "EntryKind",
    "HouseholdBalance",
    "LedgerEntry",
    "Metric",
    "MetricBaseline",
    "ProofLevel",
    "SensorReading",
    "base_points",
    "points_for",
]
