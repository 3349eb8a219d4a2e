"""Reports' part of « Mes données »: what the archive holds of a member's
reports, notes and follows, and how an account's erasure treats them.

Registered with `common.kinds` from ReportsConfig.ready() (reports.kinds);
mydata runs them (mydata.exporting, mydata.actions.deletion). The erasure
runs inside the deletion's transaction:
- a report describes a problem of the public space that the town's services
  may still be working on: it stays, without author (author None) and marked
  anonymous, whichever erasure the member chose;
- their timeline entries (notes, « moi aussi ») stay on the reports, without
  author;
- their follows go (nobody to notify any more); the « moi aussi » count stays,
  as the timeline keeps saying so.
"""

from common import kinds
from common.archive import Archive, Erasure, iso
from community.models import Member
from reports.models import Report, ReportFollow, ReportUpdate, UpdateKind


def _reports(member: Member, files: list[tuple[str, str]]) -> list[dict]:
    reports = []
    for report in Report.objects.filter(author=member).select_related("category"):
        photo = ""
        if report.photo:
            photo = f"images/signalements/{report.photo.name.rsplit('/', 1)[-1]}"
            files.append((photo, report.photo.name))
        reports.append(
            {
                "id": report.pk,
                "categorie": report.category.name,
                "description": report.description,
                "adresse": report.address,
                "latitude": report.latitude,
                "longitude": report.longitude,
                "quartier": report.neighbourhood_id,
                "nom_cache": report.anonymous,
                "etat": report.state,
                "cree_le": iso(report.created_at),
                "photo": photo,
            }
        )
    return reports


def export_member(member: Member, archive: Archive) -> None:
    """signalements.json: the member's reports (and their photos), their notes
    and « moi aussi » on reports, and the reports they follow."""
    updates = ReportUpdate.objects.filter(
        author=member, kind__in=[UpdateKind.NOTE, UpdateKind.ME_TOO]
    ).order_by("created_at", "id")
    archive.documents["signalements.json"] = {
        "signalements": _reports(member, archive.files),
        "precisions": [
            {
                "signalement": update.report_id,
                "type": update.kind,
                "texte": update.note,
                "cree_le": iso(update.created_at),
            }
            for update in updates
        ],
        "suivis": [
            {
                "signalement": follow.report_id,
                "moi_aussi": follow.me_too,
                "depuis": iso(follow.created_at),
            }
            for follow in ReportFollow.objects.filter(member=member).order_by("id")
        ],
    }


def erase_member(erasure: Erasure) -> None:
    """Reports and timeline entries lose their author; follows go."""
    member = erasure.member
    Report.objects.filter(author=member).update(author=None, anonymous=True)
    ReportUpdate.objects.filter(author=member).update(author=None)
    ReportFollow.objects.filter(member=member).delete()


def register() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- signalements.json : vos signalements, vos "
            "précisions et « moi aussi », et les\n"
            "  signalements que vous suivez ;"
        ),
    )
    kinds.register_member_eraser(erase_member)
