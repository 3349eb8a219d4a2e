"""Reads of the local channel."""

from django.db.models import QuerySet
from wagtail.models import WorkflowState

from community.models import Member, TownPage
from localtv.models import ChannelPage, VideoPage


def channel_for_town(town: TownPage) -> ChannelPage | None:
    """The live channel page of a town, if it has one."""
    return ChannelPage.objects.live().child_of(town).first()


def published_videos(channel: ChannelPage) -> QuerySet[VideoPage]:
    """The channel's live, public videos, newest first, with their author."""
    return (
        VideoPage.objects.live()
        .public()
        .child_of(channel)
        .select_related("author")
        .order_by("-first_published_at", "-pk")
    )


def pending_count(member: Member) -> int:
    """How many of the member's proposals still wait for the moderators."""
    return (
        VideoPage.objects.filter(
            author=member,
            live=False,
            _specific_workflow_states__status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .distinct()
        .count()
    )
