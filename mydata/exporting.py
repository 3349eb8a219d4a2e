"""What « Mes données » holds: every row about a member and their household.

`collect(member)` answers JSON-ready dicts keyed by file name, and the stored
files (pictures) to copy into the archive; `write_zip` writes both. Reads only:
the actions in `mydata.actions.exports` own the DataExport row and the file.
"""

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage, storages
from django.db.models import Q
from django.utils import timezone
from notifications.models import Notification

from challenges.models import Badge, LoggedAction, Participation, Redemption
from community.models import ConsentRecord, Member
from feeds.models import (
    Block,
    ChatMessage,
    Comment,
    Follow,
    Mute,
    NotificationPreference,
    Post,
    Reaction,
)
from mydata import exporting_meters
from mydata.exporting_meters import iso as _iso
from scoring import client as scoring
from tips.models import TipDone, TipVote

README = """Mes données — Smart Citizen
============================

Cette archive contient tout ce que la plateforme garde sur vous et votre foyer,
à la date indiquée dans profil.json (« exporte_le »).

- profil.json : votre compte, votre profil, votre foyer et ses membres ;
- publications.json, commentaires.json : ce que vous avez écrit dans les fils ;
- messages.json : vos messages dans les salons et les messages privés ;
- reactions.json, abonnements.json : vos réactions, abonnements, sourdines,
  blocages ;
- notifications.json : les notifications reçues et vos préférences ;
- actions.json : les actions, défis, badges, astuces faites et bons d'achat de
  votre foyer ;
- points.json : le solde et le détail par domaine du cœur de calcul des points ;
- consentements.json : les consentements de votre foyer et les vôtres, avec la
  version du texte, la date où ils ont été donnés et retirés ;
- compteurs.json : les fichiers de compteur envoyés par votre foyer (ce qui en a
  été lu), les index saisis, et chaque relevé par jour et par heure que le cœur
  de calcul garde pour votre foyer ;
- compteurs/fichiers/ : la copie des fichiers de compteur que votre foyer a
  demandé de garder ;
- images/ : votre photo de profil, les images de vos publications et les photos
  de preuve des actions de votre foyer.

Les fichiers JSON sont en UTF-8. Les dates sont en heure UTC (ISO 8601).
"""


@dataclass
class Collected:
    """The archive's JSON documents and the stored files to copy in."""

    documents: dict[str, object] = field(default_factory=dict)
    # (name in the archive, name in the default storage)
    files: list[tuple[str, str]] = field(default_factory=list)
    # (name in the archive, name in the private "exports" storage): kept meter files
    private_files: list[tuple[str, str]] = field(default_factory=list)


def _rows(queryset: Iterable, fields: list[str]) -> list[dict]:
    return [{name: _iso(getattr(row, name)) for name in fields} for row in queryset]


def _profile(member: Member, files: list[tuple[str, str]]) -> dict:
    user = member.user
    avatar = ""
    if member.avatar:
        avatar = f"images/profil/{member.avatar.name.rsplit('/', 1)[-1]}"
        files.append((avatar, member.avatar.name))
    household = member.household
    profile: dict = {
        "exporte_le": _iso(timezone.now()),
        "compte": {
            "identifiant": user.get_username(),
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": _iso(user.date_joined),
            "derniere_connexion": _iso(user.last_login),
        },
        "profil": {
            "id": member.pk,
            "commune": member.town.title,
            "nom_affiche": member.display_name,
            "langue": member.preferred_language,
            "photo": avatar,
            "cree_le": _iso(member.created_at),
        },
        "foyer": None,
    }
    if household is not None:
        profile["foyer"] = {
            "identifiant_public": household.public_id,
            "quartier": household.neighbourhood.name,
            "domaines": list(household.domains or []),
            "statut": household.status,
            "cree_le": _iso(household.created_at),
            "inscrit_le": _iso(household.joined_at),
            "parti_le": _iso(household.left_at),
            "membres": [
                {"nom_affiche": other.display_name, "vous": other.pk == member.pk}
                for other in household.members.order_by("pk")
            ],
        }
    return profile


def _posts(member: Member, files: list[tuple[str, str]]) -> list[dict]:
    posts = []
    for post in Post.objects.filter(author=member).prefetch_related("images"):
        images = []
        for image in post.images.all():
            name = f"images/publications/{image.image.name.rsplit('/', 1)[-1]}"
            files.append((name, image.image.name))
            images.append({"fichier": name, "description": image.alt_text})
        posts.append(
            {
                "id": post.pk,
                "publie_dans": post.target,
                "quartier": post.neighbourhood_id,
                "defi": post.challenge_id,
                "texte": post.body,
                "avertissement": post.content_warning,
                "etat": post.state,
                "cree_le": _iso(post.created_at),
                "modifie_le": _iso(post.edited_at),
                "images": images,
            }
        )
    return posts


def _actions(member: Member, files: list[tuple[str, str]]) -> dict:
    household_id = member.household_id
    if household_id is None:
        return {}
    logged = []
    for action in LoggedAction.objects.filter(household_id=household_id).select_related(
        "action_type"
    ):
        photo = ""
        if action.photo:
            photo = f"images/preuves/{action.photo.name.rsplit('/', 1)[-1]}"
            files.append((photo, action.photo.name))
        logged.append(
            {
                "defi": action.challenge_id,
                "action": action.action_type.code,
                "domaine": action.action_type.domain,
                "faite_le": _iso(action.occurred_at),
                "declaree_le": _iso(action.created_at),
                "par_vous": action.member_id == member.pk,
                "preuve": action.proof,
                "photo": photo,
                "points": action.points_awarded,
            }
        )
    return {
        "actions_declarees": logged,
        "defis": _rows(
            Participation.objects.filter(household_id=household_id),
            ["challenge_id", "joined_at", "left_at"],
        ),
        "badges": _rows(
            Badge.objects.filter(household_id=household_id),
            ["challenge_id", "kind", "awarded_at"],
        ),
        "astuces_faites": _rows(
            TipDone.objects.filter(household_id=household_id),
            ["tip_id", "created_at", "points_awarded"],
        ),
        "bons_d_achat": _rows(
            Redemption.objects.filter(household_id=household_id),
            ["reward_id", "points", "code", "created_at", "used_at"],
        ),
    }


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
            "donne_le": _iso(record.given_at),
            "retire_le": _iso(record.withdrawn_at),
        }
        for record in records
    ]


def collect(member: Member) -> Collected:
    """Every document of a member's archive, read in a bounded number of queries."""
    member = Member.objects.select_related(
        "user", "town", "household__neighbourhood"
    ).get(pk=member.pk)
    out = Collected()
    docs = out.documents
    docs["profil.json"] = _profile(member, out.files)
    docs["publications.json"] = _posts(member, out.files)
    docs["commentaires.json"] = _rows(
        Comment.objects.filter(author=member),
        ["id", "post_id", "parent_id", "body", "state", "created_at", "edited_at"],
    )
    docs["messages.json"] = [
        {
            "id": message.pk,
            "salon": message.room_id,
            "type_de_salon": message.room.kind,
            "texte": message.body,
            "cree_le": _iso(message.created_at),
        }
        for message in ChatMessage.objects.filter(author=member).select_related("room")
    ]
    docs["reactions.json"] = _rows(
        Reaction.objects.filter(member=member), ["post_id", "kind", "created_at"]
    )
    docs["abonnements.json"] = {
        "abonnements": _rows(
            Follow.objects.filter(follower=member), ["kind", "target_id", "created_at"]
        ),
        "sourdines": _rows(
            Mute.objects.filter(muter=member), ["muted_id", "created_at"]
        ),
        "blocages": _rows(
            Block.objects.filter(blocker=member), ["blocked_id", "created_at"]
        ),
    }
    docs["notifications.json"] = {
        "recues": [
            {
                "type": notification.verb,
                "lue": not notification.unread,
                "date": _iso(notification.timestamp),
                "donnees": notification.data or {},
            }
            for notification in Notification.objects.filter(
                recipient_id=member.user_id, deleted=False
            ).order_by("timestamp")
        ],
        "preferences": _rows(
            NotificationPreference.objects.filter(member=member), ["kind", "channel"]
        ),
    }
    docs["actions.json"] = _actions(member, out.files)
    docs["actions.json"]["astuces_utiles"] = _rows(
        TipVote.objects.filter(member=member), ["tip_id", "created_at"]
    )
    docs["points.json"] = _points(member)
    docs["consentements.json"] = _consents(member)
    if member.household is not None:
        meters = exporting_meters.uploads_and_indexes(
            member.household, out.private_files
        )
        meters["releves"] = exporting_meters.readings(member.household)
        docs["compteurs.json"] = meters
    return out


def write_zip(collected: Collected) -> bytes:
    """The archive: README, one JSON file per document, then the pictures."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", README)
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
