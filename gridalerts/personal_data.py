"""A member's grid-alert data in « Mes données » (their results are with the
challenges' actions.json, `defis_flash`)."""

from common.archive import Archive, iso
from community.models import Member
from gridalerts.models import GridAlertOptIn


def export_opt_in(member: Member, archive: Archive) -> None:
    """notifications.json: when the member asked to be told of grid alerts."""
    opt_in = GridAlertOptIn.objects.filter(member=member).first()
    archive.section("notifications.json")["alertes_reseau"] = {
        "prevenu": opt_in is not None,
        "depuis": iso(opt_in.created_at) if opt_in is not None else None,
    }
