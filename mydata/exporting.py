"""What « Mes données » holds: every row about a member and their household.

`collect(member)` answers JSON-ready dicts keyed by file name, and the stored
files (pictures) to copy into the archive; `write_zip` writes both. Reads only:
the actions in `mydata.actions.exports` own the DataExport row and the file.
mydata writes the profile, notifications, points and consents; each content
app adds its rows through the exporter it registers in `common.kinds`.
"""

import io
import json
import zipfile

from django.core.files.storage import default_storage, storages
from django.db.models import Q
from django.utils import timezone
from notifications.models import Notification

from common import kinds
from common.archive import Archive, iso
from community.models import ConsentRecord, Member
from scoring import client as scoring

README_HEAD = """Mes données — Smart Citizen
============================

Cette archive contient tout ce que la plateforme garde sur vous et votre foyer,
à la date indiquée dans profil.json (« exporte_le »).

- profil.json : votre compte, votre profil, votre foyer et ses membres ;
- notifications.json : les notifications reçues et vos préférences ;
"""
# Then each app's lines (`describes` of common.kinds.register_export).
README_TAIL = """\
- points.json : le solde et le détail par domaine du cœur de calcul des points ;
- consentements.json : les consentements de votre foyer et les vôtres, avec la
  version du texte, la date où ils ont été donnés et retirés ;
- images/ : votre photo de profil, les images de vos publications, les photos
  de preuve des actions de votre foyer et celles de vos signalements.

Les fichiers JSON sont en UTF-8. Les dates sont en heure UTC (ISO 8601).
"""


def readme() -> str:
    """LISEZMOI.txt: mydata's own files, then every registered app's."""
    lines = "".join(line + "\n" for line in kinds.export_descriptions())
    return README_HEAD + lines + README_TAIL


def _profile(member: Member, files: list[tuple[str, str]]) -> dict:
    user = member.user
    avatar = ""
    if member.avatar:
        avatar = f"images/profil/{member.avatar.name.rsplit('/', 1)[-1]}"
        files.append((avatar, member.avatar.name))
    household = member.household
    profile: dict = {
        "exporte_le": iso(timezone.now()),
        "compte": {
            "identifiant": user.get_username(),
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": iso(user.date_joined),
            "derniere_connexion": iso(user.last_login),
        },
        "profil": {
            "id": member.pk,
            "commune": member.town.title,
            "nom_affiche": member.display_name,
            "langue": member.preferred_language,
            "photo": avatar,
            "cree_le": iso(member.created_at),
        },
        "foyer": None,
    }
    if household is not None:
        profile["foyer"] = {
            "identifiant_public": household.public_id,
            "quartier": household.neighbourhood.name,
            "domaines": list(household.domains or []),
            "statut": household.status,
            "cree_le": iso(household.created_at),
            "inscrit_le": iso(household.joined_at),
            "parti_le": iso(household.left_at),
            "membres": [
                {"nom_affiche": other.display_name, "vous": other.pk == member.pk}
                for other in household.members.order_by("pk")
            ],
        }
    return profile


def _points(member: Member) -> dict:
    if member.household is None:
        return {}
    try:
        return scoring.get_points(member.household)
    except (scoring.ScoringError, scoring.ScoringUnavailable) as error:
        return {"indisponible": str(getattr(error, "message", error))}


def _consents(member: Member) -> list[dict]:
    subject = Q(member=member)
    if member.household_id is not None:
        subject |= Q(household_id=member.household_id)
    records = ConsentRecord.objects.filter(subject).select_related("text")
    return [
        {
            "type": record.text.kind,
            "version": record.text.version,
            "texte": record.text.text,
            "pour": "foyer" if record.household_id else "membre",
            "donne_le": iso(record.given_at),
            "retire_le": iso(record.withdrawn_at),
        }
        for record in records
    ]


def collect(member: Member) -> Archive:
    """Every document of a member's archive, read in a bounded number of queries."""
    member = Member.objects.select_related(
        "user", "town", "household__neighbourhood"
    ).get(pk=member.pk)
    out = Archive()
    docs = out.documents
    docs["profil.json"] = _profile(member, out.files)
    docs["notifications.json"] = {
        "recues": [
            {
                "type": notification.verb,
                "lue": not notification.unread,
                "date": iso(notification.timestamp),
                "donnees": notification.data or {},
            }
            for notification in Notification.objects.filter(
                recipient_id=member.user_id, deleted=False
            ).order_by("timestamp")
        ],
    }
    # Every app's rows (feeds, tips, challenges, meters), in INSTALLED_APPS order.
    for export in kinds.exporters():
        export(member, out)
    docs["points.json"] = _points(member)
    docs["consentements.json"] = _consents(member)
    return out


def write_zip(collected: Archive) -> bytes:
    """The archive: README, one JSON file per document, then the pictures."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", readme())
        for name, document in collected.documents.items():
            archive.writestr(
                name, json.dumps(document, ensure_ascii=False, indent=2, default=str)
            )
        seen: set[str] = set()
        for storage, files in (
            (default_storage, collected.files),
            (storages["exports"], collected.private_files),
        ):
            for name, stored in files:
                if name in seen or not storage.exists(stored):
                    continue
                seen.add(name)
                with storage.open(stored, "rb") as source:
                    archive.writestr(name, source.read())
    return buffer.getvalue()
