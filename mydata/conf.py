"""Retention and export settings, with their defaults (docs/mydata.md).

A deployment overrides any of them with a `MYDATA` dict in its settings; the
values are read at call time so tests can change them with `settings`.
"""

from django.conf import settings

DEFAULTS: dict[str, int | str] = {
    # A ready data export can be downloaded this many days, then it is deleted.
    "EXPORT_VALID_DAYS": 7,
    # A build that started this long ago without finishing (a web process that
    # died mid-build) is picked up again by `build_data_exports`.
    "EXPORT_STALE_MINUTES": 30,
    # A member may ask for a new export this often at most.
    "EXPORT_MIN_INTERVAL_MINUTES": 10,
    # Read notifications older than this are deleted by `apply_retention`.
    "READ_NOTIFICATION_RETENTION_DAYS": 180,
    # Fixed seed of the research export's neighbourhood pseudonyms: the same
    # neighbourhood keeps its pseudonym from one export to the next.
    "RESEARCH_PSEUDONYM_SEED": "smart-citizen-recherche-v1",
    # A cell counting fewer households than this is suppressed (null).
    "RESEARCH_MIN_HOUSEHOLDS": 5,
}


def get(name: str) -> int | str:
    """One setting: the deployment's `MYDATA[name]`, else the default."""
    return {**DEFAULTS, **getattr(settings, "MYDATA", {})}[name]
