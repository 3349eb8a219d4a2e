"""Published tips and neighbourhoods, and the helpers every page kind shares.

Challenges and ambassadors live in `page_kinds.py`, posts and comments in
`feed_kinds.py`; each is a class with `name`, `label`, `model`, `members_only`,
`indexable`, `entry`, `entries` and `dependents`, registered with
`registry.register`; `signals.connect` imports the three modules.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from community.models import Neighbourhood, TownPage
from search import registry
from search.registry import Entry, register
from tips.models import TipPage


def town_of_page(page: Page) -> TownPage | None:
    """A town is always a child of the tree's root: the first two path steps."""
    return TownPage.objects.filter(path=page.path[: 2 * Page.steplen]).first()


def path_in_site(page: Page, town: TownPage) -> str:
    """The page's URL path inside its town's site (the town is the site root)."""
    return "/" + page.url_path[len(town.url_path) :]


class TipKind:
    name = "tip"
    label = _("Astuces")
    model = TipPage
    members_only = False

    def indexable(self) -> QuerySet:
        return TipPage.objects.live().public().select_related("author")

    def entry(self, tip: TipPage, town: TownPage | None = None) -> Entry | None:
        if not tip.live or tip.get_view_restrictions().exists():
            return None
        town = town or town_of_page(tip)
        if town is None:
            return None
        return self._bulk_entry(tip, town)

    def entries(self) -> list[Entry]:
        """Every indexable tip, with one query for the towns."""
        towns = {town.path: town for town in TownPage.objects.all()}
        entries = []
        for tip in self.indexable().iterator(chunk_size=500):
            town = towns.get(tip.path[: 2 * Page.steplen])
            if town is not None:
                entries.append(self._bulk_entry(tip, town))
        return entries

    def _bulk_entry(self, tip: TipPage, town: TownPage) -> Entry:
        # `indexable()` already keeps live, public tips only.
        return Entry(
            kind=self.name,
            pk=tip.pk,
            town_id=town.pk,
            title=tip.title,
            url=path_in_site(tip, town),
            summary=tip.summary,
            text=tip.body_text(),
            domain=tip.domain,
            published_at=(
                tip.first_published_at.isoformat() if tip.first_published_at else None
            ),
        )

    def dependents(self, pk: int) -> list:
        """The comments of its discussion: readable only while the tip is live."""
        from feeds.models import Comment

        comments = registry.get("comment")
        if comments is None:
            return []
        ids = Comment.objects.filter(post__tip_id=pk).values_list("pk", flat=True)
        return [(comments, i) for i in ids]


class NeighbourhoodKind:
    name = "neighbourhood"
    label = _("Quartiers")
    model = Neighbourhood
    members_only = False

    def indexable(self) -> QuerySet:
        return Neighbourhood.objects.all()

    def entry(self, neighbourhood: Neighbourhood, town=None) -> Entry | None:
        return Entry(
            kind=self.name,
            pk=neighbourhood.pk,
            town_id=neighbourhood.town_id,
            title=neighbourhood.name,
            url="/#quartiers",
            summary="",
            text=neighbourhood.name,
            neighbourhood_id=neighbourhood.pk,
            neighbourhood_name=neighbourhood.name,
        )

    def entries(self) -> list[Entry]:
        return [self.entry(n) for n in self.indexable().iterator(chunk_size=500)]

    def dependents(self, pk: int) -> list:
        return []


TIPS = register(TipKind())
NEIGHBOURHOODS = register(NeighbourhoodKind())
