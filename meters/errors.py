"""What the meters actions raise: French messages for the person, nothing stored.

`MeterFileError` is also what the parsers raise (`meters.parsers` re-exports
it), so a view or the command catches one class for every bad file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from meters.models import MeterIndex, MeterUpload


class MeterFileError(ValueError):
    """A file that cannot be stored: `message` (French) and its `line` if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = str(message)
        self.line = line
        super().__init__(self.text)

    @property
    def text(self) -> str:
        """The message as shown to the person, with the line when there is one."""
        if self.line is None:
            return self.message[:1].upper() + self.message[1:]
        return _("Ligne %(line)d : %(message)s") % {
            "line": self.line,
            "message": self.message,
        }

    def __str__(self) -> str:
        return self.text


class MeterFileAlreadyStored(MeterFileError):
    """The same file was already stored for this household: nothing new to store."""

    def __init__(self, upload: MeterUpload) -> None:
        self.upload = upload
        when = upload.stored_at or upload.created_at
        super().__init__(
            _(
                "Ce fichier a déjà été envoyé le %(date)s : il n'apporte rien de "
                "nouveau, rien n'a été enregistré."
            )
            % {"date": when.strftime("%d/%m/%Y")}
        )


class MeterUploadError(ValueError):
    """An upload that cannot be confirmed or cancelled in its present state."""

    def __init__(self, message: str) -> None:
        self.message = str(message)
        super().__init__(self.message)


class MeterIndexError(ValueError):
    """A typed index that cannot be stored (bad date, bad value, refused drop)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class IndexNeedsConfirmation(MeterIndexError):
    """Lower than the last index: was the meter replaced? Nothing stored yet."""

    def __init__(self, last: MeterIndex, value: object) -> None:
        self.last = last
        super().__init__(
            _(
                "Cet index (%(value)s) est plus bas que le précédent (%(last)s, relevé "
                "le %(date)s). Le compteur a-t-il été remplacé ? Rien n'est "
                "enregistré avant votre réponse."
            )
            % {
                "value": value,
                "last": last.value,
                "date": last.read_on.strftime("%d/%m/%Y"),
            },
            field="value",
        )
