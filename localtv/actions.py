"""Every write to the local channel's pages goes through here."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.models import WorkflowState

from common.notify import send_notification
from common.proposals import check_open_workflow, do_submit_draft
from community.models import Member
from community.towns import page_path
from localtv import media
from localtv.models import ChannelPage, VideoPage
from localtv.queries import pending_count
from localtv.uploads import max_bytes

# Videos of one member waiting for the moderators at once: each may weigh
# LOCALTV_MAX_BYTES, and moderators watch them all.
MAX_PENDING = 3


@contextmanager
def on_disk(upload: UploadedFile) -> Iterator[str]:
    """A path to the upload's bytes: Django's temporary file, or a copy of the
    in-memory upload (ffprobe and ffmpeg read files, not streams)."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    handle, path = tempfile.mkstemp(prefix="localtv-", suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
        yield path
    finally:
        os.unlink(path)


def check_video_size(size: int | None) -> None:
    """A video past LOCALTV_MAX_BYTES is refused (before anything reads it)."""
    if size is None or size > max_bytes():
        raise ValidationError(
            _("La vidéo est trop lourde : %(megabytes)d Mo au plus.")
            % {"megabytes": max_bytes() // (1024 * 1024) or 1},
            code="too_big",
        )


def check_propose_video(
    member: Member,
    channel: ChannelPage,
    *,
    title: str,
    description: str,
    domain: str,
    video: UploadedFile,
    captions: UploadedFile | None = None,
) -> VideoPage:
    """Check a resident's video with ffprobe, make its poster, and submit it as
    a draft page to the town's moderation workflow; nothing is kept on refusal."""
    if member.town_id != channel.get_parent().pk:
        raise PermissionDenied
    workflow = check_open_workflow(channel)
    if pending_count(member) >= MAX_PENDING:
        raise ValidationError(
            _(
                "Vous avez déjà %(count)d vidéos en attente de relecture : "
                "attendez la réponse des modérateurs avant d'en proposer une autre."
            )
            % {"count": MAX_PENDING},
            code="too_many_pending",
        )
    check_video_size(video.size)
    captions_text = (
        media.captions_text(captions.read(media.MAX_CAPTIONS_BYTES + 1))
        if captions
        else ""
    )
    with on_disk(video) as path:
        info = media.check_video(path)
        poster = media.make_poster(path, info.duration)
        page = VideoPage(
            title=title.strip(),
            slug=find_available_slug(channel, slugify(title)[:200] or "video"),
            description=description.strip(),
            domain=domain,
            duration_seconds=round(info.duration),
            author=member,
            live=False,
            owner=member.user,
        )
        with open(path, "rb") as stream:
            page.video.save(f"video{info.extension}", File(stream), save=False)
    page.poster.save("poster.jpg", ContentFile(poster), save=False)
    if captions_text:
        page.captions.save(
            "captions.vtt", ContentFile(captions_text.encode()), save=False
        )
    try:
        do_submit_draft(member, channel, page, workflow)
    except BaseException:
        # The files went to storage first; no page holds them now.
        for field in (page.video, page.poster, page.captions):
            if field.name:
                field.storage.delete(field.name)
        raise
    return page


def do_notify_author_of_review(
    workflow_state: WorkflowState, moderator: User | None, approved: bool
) -> None:
    """Tell a video's author that moderators published it, or sent it back."""
    video = getattr(workflow_state.content_object, "specific", None)
    if not isinstance(video, VideoPage) or video.author is None:
        return
    task_state = workflow_state.current_task_state
    comment = (task_state.specific.comment if task_state else "") or ""
    if approved:
        verb = "video_approved"
        excerpt = _("Votre vidéo « %(title)s » est publiée sur la télé locale.") % {
            "title": video.title
        }
    else:
        verb = "video_rejected"
        excerpt = _(
            "Votre vidéo « %(title)s » n'a pas été publiée. Commentaire : %(comment)s"
        ) % {"title": video.title, "comment": comment or _("aucun")}
    page = video if approved else video.get_parent()
    send_notification(
        video.author.user_id,
        actor=moderator or video.author.user,
        verb=verb,
        target=video,
        data={
            "kind": verb,
            "url": page_path(page),
            "excerpt": excerpt,
            "title": video.title,
            "actor_name": _("L'équipe de modération"),
        },
    )
