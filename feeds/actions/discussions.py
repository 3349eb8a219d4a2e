"""The discussion of a tip: the one post its comments hang on.

Comments attach to posts; a tip page's comments attach to a post of target
`tip`, created quietly (no feed event, no notification) by the first comment
and never shown in a feed list (`queries.posts._page`). Its author is the
member credited on the tip, so that top-level comments notify them as replies
to their post; a tip credited to nobody gets the first commenter instead.
"""

from django.db import IntegrityError, transaction
from django.utils.text import Truncator

from community.models import Member
from feeds.models import Post, PostTarget
from feeds.models.posts import BODY_MAX_LENGTH


def tip_discussion(tip_id: int) -> Post | None:
    """The discussion post of a tip, whatever its state, if a comment opened it."""
    return Post.objects.filter(tip_id=tip_id).select_related("author").first()


def do_open_tip_discussion(
    tip_id: int,
    title: str,
    town_id: int,
    credited: Member | None,
    opener: Member,
    domain: str = "",
) -> Post:
    """The discussion post of a tip, created on first use; one per tip. It takes
    the tip's domain, as a challenge's post takes its challenge's."""
    existing = Post.objects.filter(tip_id=tip_id).first()
    if existing is not None:
        return existing
    author = credited if credited is not None and credited.town_id == town_id else None
    author = author or opener
    try:
        # A savepoint: a concurrent first comment may win the unique `tip` row.
        with transaction.atomic():
            return Post.objects.create(
                town_id=town_id,
                author=author,
                target=PostTarget.TIP,
                tip_id=tip_id,
                domain=domain,
                body=Truncator(title).chars(BODY_MAX_LENGTH),
                client_key=f"tip-{tip_id}",
            )
    except IntegrityError:
        existing = Post.objects.filter(tip_id=tip_id).first()
        if existing is None:
            raise
        return existing
