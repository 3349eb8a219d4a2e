"""The local channel's part of « Mes données »: a member's videos in the
archive, and what an account's erasure does with them.

Registered with `common.kinds` from LocaltvConfig.ready(); mydata runs them
inside the deletion's transaction. A video shows its author's face, voice or
home and cannot be anonymised: with « supprimer mes contenus » the member's
videos (published or waiting) go, pages and files; with « garder mes contenus,
signés ancien membre » they stay, credited to the town's former member.
"""

from common import kinds
from common.archive import Archive, Erasure, iso
from community.models import Member
from localtv.models import VideoPage


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def export_member(member: Member, archive: Archive) -> None:
    """videos.json: the member's videos, with the files they sent."""
    videos = []
    for video in VideoPage.objects.filter(author=member).order_by("pk"):
        entry = {
            "id": video.pk,
            "titre": video.title,
            "description": video.description,
            "domaine": video.domain,
            "duree_secondes": video.duration_seconds,
            "publiee": video.live,
            "publiee_le": iso(video.first_published_at),
            "video": "",
            "sous_titres": "",
        }
        for key, field in (("video", video.video), ("sous_titres", video.captions)):
            if field:
                entry[key] = f"videos/{_base(field.name)}"
                archive.files.append((entry[key], field.name))
        videos.append(entry)
    archive.documents["videos.json"] = {"videos": videos}


def erase_member(erasure: Erasure) -> None:
    """Remove mode: the member's videos and their files go; else they are
    credited to the former member."""
    videos = VideoPage.objects.filter(author=erasure.member)
    if not erasure.remove:
        videos.update(author=erasure.former)
        return
    for video in videos:
        erasure.files.extend(
            field.name for field in (video.video, video.poster, video.captions) if field
        )
        video.delete()


def register() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- videos.json, videos/ : les vidéos que vous "
            "avez proposées à la télé locale\n"
            "  et leurs fichiers ;"
        ),
    )
    kinds.register_member_eraser(erase_member)
