"""Neighbourhoods, and the helpers every page kind shares.

The content apps own their kinds and register them from their AppConfig.ready()
(`tips.kinds`, `challenges.kinds`, `ambassadors.kinds`, `feeds.search_kinds`);
each is a class with `name`, `label`, `model`, `members_only`, `indexable`,
`entry`, `entries` and `dependents`, registered with `registry.register`.
search itself imports no content app.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from community.models import Neighbourhood, TownPage
from search.registry import Entry, Kind, register


def town_of_page(page: Page) -> TownPage | None:
    """A town is always a child of the tree's root: the first two path steps."""
    return TownPage.objects.filter(path=page.path[: 2 * Page.steplen]).first()


def path_in_site(page: Page, town: TownPage) -> str:
    """The page's URL path inside its town's site (the town is the site root)."""
    return "/" + page.url_path[len(town.url_path) :]


class PageKind:
    """What tips, challenges and ambassadors share: live, public, of a town.

    A page is indexed while it is live and under no view restriction (the page
    signals in `signals.py` resync it on publish, unpublish, move, new slug,
    restriction and deletion).
    """

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


def published_at(page: Page) -> str | None:
    return page.first_published_at.isoformat() if page.first_published_at else None


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


NEIGHBOURHOODS = register(NeighbourhoodKind())
