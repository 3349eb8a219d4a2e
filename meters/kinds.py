"""What meters registers in `common.kinds`: its part of « Mes données » (the
household's meter files, indexes and readings) and of a household's erasure.

Called once from MetersConfig.ready().
"""

from django.core.files.storage import storages
from django.db import transaction

from common import kinds
from common.archive import Archive, delete_stored_files
from community.models import Household, Member
from meters import exporting
from meters.models import MeterIndex, MeterUpload


def export_member(member: Member, archive: Archive) -> None:
    """compteurs.json, and the kept meter files from the private storage."""
    if member.household is None:
        return
    meters = exporting.uploads_and_indexes(member.household, archive.private_files)
    meters["releves"] = exporting.readings(member.household)
    archive.documents["compteurs.json"] = meters


def erase_household(household: Household, files: list[str]) -> None:
    """The household's meter files (kept copies too) and indexes go with it.

    The readings themselves are the scoring core's: `erase_household` forgets
    them. The copies live in the private storage, deleted after commit.
    """
    kept = [
        name
        for name in MeterUpload.objects.filter(household=household)
        .exclude(file="")
        .values_list("file", flat=True)
        if name
    ]
    MeterUpload.objects.filter(household=household).delete()
    MeterIndex.objects.filter(household=household).delete()
    if kept:
        transaction.on_commit(lambda: delete_stored_files(kept, storages["exports"]))


def register_all() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- compteurs.json : les fichiers de compteur "
            "envoyés par votre foyer (ce qui en a\n"
            "  été lu), les index saisis, et chaque relevé par "
            "jour et par heure que le cœur\n"
            "  de calcul garde pour votre foyer ;\n"
            "- compteurs/fichiers/ : la copie des fichiers "
            "de compteur que votre foyer a\n"
            "  demandé de garder ;"
        ),
    )
    kinds.register_household_eraser(erase_household)
