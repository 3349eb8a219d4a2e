"""What the local channel registers with the layers below it: residents'
videos that moderation handles (a resident reports a published video; a
moderator hides it, i.e. unpublishes it, or restores it).

Called once from LocaltvConfig.ready(). No search kind: a video's words are
its title and description, and the site's search indexes tips, posts and
pages a resident reads; videos can join when someone asks.
"""

from django.utils.translation import gettext_lazy as _

from common import kinds
from common.kinds import ContentKind, Shown
from community.models import TownPage
from localtv.models import VideoPage


def _load(pk: int) -> VideoPage | None:
    return VideoPage.objects.filter(pk=pk).select_related("author").first()


def _show(video: VideoPage) -> Shown | None:
    """A resident's video (one with an author) in a town; the team's videos
    are not reported."""
    if video.author_id is None:
        return None
    town = TownPage.objects.ancestor_of(video).first()
    if town is None:
        return None
    return Shown(
        town_id=town.pk,
        author=video.author,
        neighbourhood_id=None,
        text=f"{video.title}\n{video.description}",
        url=video.url or "",
        hidden=not video.live,
    )


def _hide(video: VideoPage, moderator, decision) -> None:
    if video.live:
        video.unpublish(user=moderator)


def _restore(video: VideoPage, moderator) -> None:
    revision = video.get_latest_revision()
    if not video.live and revision is not None:
        revision.publish(user=moderator)


def register_all() -> None:
    """Called once from LocaltvConfig.ready()."""
    kinds.register(
        ContentKind(
            name="video",
            described=_("cette vidéo"),
            label=_("Vidéo de la télé locale"),
            model=VideoPage,
            load=_load,
            show=_show,
            reportable=lambda reporter, video: video.live,
            hide=_hide,
            restore=_restore,
        )
    )
