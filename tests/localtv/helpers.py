"""Videos made the way residents and moderators make them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localtv.models import ChannelPage, VideoPage

PROPOSAL = {
    "title": "Un boudin de porte en chaussettes",
    "description": "Deux vieilles chaussettes, du sable : plus de courant d'air.",
    "domain": "energy",
}


def upload(data: bytes, name: str = "ma-video.mp4", kind: str = "video/mp4"):
    return SimpleUploadedFile(name, data, content_type=kind)


def propose(client, member, data: bytes, captions: bytes | None = None, **fields):
    client.force_login(member.user)
    body = {**PROPOSAL, **fields, "video": upload(data)}
    if captions is not None:
        body["captions"] = upload(captions, "sous-titres.srt", "text/plain")
    return client.post(reverse("localtv:propose"), body)


def publish_video(
    channel: ChannelPage, title: str, data: bytes, *, publish: bool = True, **fields
) -> VideoPage:
    """A video published by the team (with captions unless told otherwise)."""
    from django.core.files.base import ContentFile

    captions = fields.pop("captions", b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n")
    video = VideoPage(
        title=title,
        description="Une vidéo.",
        duration_seconds=2,
        live=False,
        **fields,
    )
    video.video.save("v.mp4", ContentFile(data), save=False)
    if captions:
        video.captions.save("c.vtt", ContentFile(captions), save=False)
    channel.add_child(instance=video)
    revision = video.save_revision()
    if publish:
        revision.publish()
        video.refresh_from_db()
    return video
