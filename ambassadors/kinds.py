"""What ambassadors registers with search: the ambassador pages (their
neighbourhoods and where they meet people). Called from AmbassadorsConfig.ready().
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ambassadors.models import AmbassadorPage
from community.models import TownPage
from search.kinds import PageKind, path_in_site, published_at
from search.registry import Entry, register


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
            published_at=published_at(page),
        )


def register_all() -> None:
    """Called once from AmbassadorsConfig.ready()."""
    register(AmbassadorKind())
