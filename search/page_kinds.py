"""Challenges and ambassadors: live, public Wagtail pages, found by every visitor.

A page is indexed while it is live and under no view restriction (the page
signals in `signals.py` resync it on publish, unpublish, move, new slug,
restriction and deletion). Unpublishing a challenge also takes its posts and
their comments out (`dependents`): they are only readable on a live challenge.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ambassadors.models import AmbassadorPage
from challenges.models import ChallengePage
from community.models import TownPage
from feeds.models import Comment, Post
from search.feed_kinds import COMMENTS, POSTS
from search.kinds import path_in_site, town_of_page
from search.registry import Entry, Kind, register


class PageKind:
    """What tips, challenges and ambassadors share: live, public, of a town."""

    name: str
    label: str
    model: type[Page]
    members_only = False

    def indexable(self) -> QuerySet:
        return self.model.objects.live().public()

    def entry(self, page: Page, town: TownPage | None = None) -> Entry | None:
        if not page.live or page.get_view_restrictions().exists():
            return None
        town = town or town_of_page(page)
        if town is None:
            return None
        return self._bulk_entry(page, town)

    def entries(self) -> list[Entry]:
        """Every indexable page, with one query for the towns."""
        towns = {town.path: town for town in TownPage.objects.all()}
        entries = []
        for page in self.indexable().iterator(chunk_size=500):
            town = towns.get(page.path[: 2 * Page.steplen])
            if town is not None:
                entries.append(self._bulk_entry(page, town))
        return entries

    def dependents(self, pk: int) -> Iterable[tuple[Kind, int]]:
        return []

    def _bulk_entry(self, page: Page, town: TownPage) -> Entry:
        raise NotImplementedError


def _published_at(page: Page) -> str | None:
    return page.first_published_at.isoformat() if page.first_published_at else None


class ChallengeKind(PageKind):
    name = "challenge"
    label = _("Défis")
    model = ChallengePage

    def _bulk_entry(self, challenge: ChallengePage, town: TownPage) -> Entry:
        return Entry(
            kind=self.name,
            pk=challenge.pk,
            town_id=town.pk,
            title=challenge.title,
            url=path_in_site(challenge, town),
            summary=challenge.summary,
            text=strip_tags(challenge.rules or ""),
            domain=challenge.domain,
            neighbourhood_id=challenge.neighbourhood_id,
            published_at=_published_at(challenge),
        )

    def dependents(self, pk: int) -> Iterable[tuple[Kind, int]]:
        """The challenge's posts and their comments."""
        post_ids = list(
            Post.objects.filter(challenge_id=pk).values_list("pk", flat=True)
        )
        comment_ids = Comment.objects.filter(post_id__in=post_ids).values_list(
            "pk", flat=True
        )
        return [(POSTS, i) for i in post_ids] + [(COMMENTS, i) for i in comment_ids]


class AmbassadorKind(PageKind):
    name = "ambassador"
    label = _("Ambassadeurs")
    model = AmbassadorPage

    def indexable(self) -> QuerySet:
        return super().indexable().prefetch_related("neighbourhoods")

    def _bulk_entry(self, page: AmbassadorPage, town: TownPage) -> Entry:
        neighbourhoods = sorted(page.neighbourhoods.all(), key=lambda n: n.name)
        places = [
            str(block.value.get("place", ""))
            for block in page.permanences
            if block.block_type == "permanence"
        ]
        return Entry(
            kind=self.name,
            pk=page.pk,
            town_id=town.pk,
            title=page.title,
            url=path_in_site(page, town),
            summary=page.bio,
            # Found by the neighbourhoods they cover and where they meet people.
            text=" ".join([*(n.name for n in neighbourhoods), *places]),
            neighbourhood_id=neighbourhoods[0].pk if neighbourhoods else None,
            more_neighbourhood_ids=[n.pk for n in neighbourhoods[1:]],
            published_at=_published_at(page),
        )


CHALLENGES = register(ChallengeKind())
AMBASSADORS = register(AmbassadorKind())
