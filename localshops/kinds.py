"""What localshops registers in `common.kinds`: the household's local purchases
in « Mes données » (with the receipts' photos) and their erasure.

Called once from LocalshopsConfig.ready().
"""

from django.core.files.storage import storages
from django.db import transaction

from common import kinds
from common.archive import Archive, delete_stored_files, rows
from community.models import Household, Member
from localshops.models import LocalPurchase

FIELDS = ["business_name", "amount", "points_awarded", "occurred_at", "created_at"]


def export_member(member: Member, archive: Archive) -> None:
    """achats-locaux.json, and each receipt's photo from the private storage."""
    if member.household_id is None:
        return
    purchases = list(LocalPurchase.objects.filter(household_id=member.household_id))
    documents = rows(purchases, FIELDS)
    for purchase, document in zip(purchases, documents, strict=True):
        if purchase.receipt:
            name = f"achats-locaux/ticket-{purchase.pk}.jpg"
            document["ticket"] = name
            archive.private_files.append((name, purchase.receipt.name))
    archive.documents["achats-locaux.json"] = documents


def erase_household(household: Household, files: list[str]) -> None:
    """The household's purchases go with it; their receipts after commit."""
    receipts = [
        name
        for name in LocalPurchase.objects.filter(household=household).values_list(
            "receipt", flat=True
        )
        if name
    ]
    LocalPurchase.objects.filter(household=household).delete()
    if receipts:
        transaction.on_commit(
            lambda: delete_stored_files(receipts, storages["exports"])
        )


def register_all() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- achats-locaux.json, achats-locaux/ : les "
            "achats locaux déclarés par votre\n"
            "  foyer et la photo de leurs tickets ;"
        ),
    )
    kinds.register_household_eraser(erase_household)
