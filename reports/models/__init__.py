from .categories import ReportCategory
from .reports import (
    ADDRESS_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    OPEN_STATES,
    ModerationState,
    Report,
    ReportFollow,
    ReportSource,
    ReportState,
    ReportUpdate,
    UpdateKind,
)

__all__ = [
    "ADDRESS_MAX_LENGTH",
    "DESCRIPTION_MAX_LENGTH",
    "OPEN_STATES",
    "ModerationState",
    "NOTE_MAX_LENGTH",
    "Report",
    "ReportCategory",
    "ReportFollow",
    "ReportSource",
    "ReportState",
    "ReportUpdate",
    "UpdateKind",
]
