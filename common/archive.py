"""The shapes every app fills for « Mes données »: the archive and the erasure.

mydata drives both (mydata.exporting, mydata.actions.deletion); each app adds
its rows through the exporters and erasers it registers in `common.kinds`.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.storage import Storage, default_storage

from community.models import Member

logger = logging.getLogger(__name__)


def iso(value: object) -> object:
    """A value as the archive's JSON writes it (dates ISO, times in UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def rows(queryset: Iterable, fields: list[str]) -> list[dict]:
    """Rows as JSON objects of the named fields."""
    return [{name: iso(getattr(row, name)) for name in fields} for row in queryset]


@dataclass
class Archive:
    """A « Mes données » archive being collected: JSON documents and files."""

    documents: dict[str, Any] = field(default_factory=dict)
    # (name in the archive, name in the default storage)
    files: list[tuple[str, str]] = field(default_factory=list)
    # (name in the archive, name in the private "exports" storage): kept meter files
    private_files: list[tuple[str, str]] = field(default_factory=list)

    def section(self, name: str) -> dict:
        """A JSON object document that several apps fill (actions.json)."""
        return self.documents.setdefault(name, {})


@dataclass
class Erasure:
    """One account's erasure in progress, handed to every app's eraser.

    `former` is the town's « ancien membre », who keeps anonymised rows;
    `remove` says the member chose to remove their content rather than keep it
    signed « ancien membre »; `files` collects stored files (default storage)
    to delete after commit.
    """

    member: Member
    former: Member
    remove: bool
    files: list[str] = field(default_factory=list)


def delete_stored_files(names: list[str], storage: Storage = default_storage) -> None:
    """Delete an erased account's stored files; called after commit, so that a
    rollback loses no file. A file that will not go is logged, not raised."""
    for name in names:
        try:
            if name and storage.exists(name):
                storage.delete(name)
        except OSError:
            logger.exception("mydata: could not delete %s", name)
