"""What tips registers with the layers below it: its search kind, the
residents' tips moderation handles, its part of « Mes données » and what an
account's erasure does with the tips the member proposed.

Called once from TipsConfig.ready().
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common import kinds
from common.archive import Archive, iso, rows
from common.kinds import ContentKind, Shown
from community.models import Member, TownPage
from search.kinds import PageKind, path_in_site, published_at
from search.registry import Entry, page_dependents, register
from tips.actions import do_erase_member_tips
from tips.models import TipDone, TipPage, TipVote


class TipKind(PageKind):
    name = "tip"
    label = _("Astuces")
    model = TipPage

    def indexable(self) -> QuerySet:
        return super().indexable().select_related("author")

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
            published_at=published_at(tip),
        )

    def dependents(self, pk: int) -> list:
        """The comments of its discussion: readable only while the tip is live."""
        return page_dependents(pk)


def _load(pk: int) -> TipPage | None:
    return TipPage.objects.filter(pk=pk).select_related("author").first()


def _show(tip: TipPage) -> Shown | None:
    """A resident's tip (one with an author) in a town; editors' tips are not
    reported."""
    if tip.author_id is None:
        return None
    town = TownPage.objects.ancestor_of(tip).first()
    if town is None:
        return None
    return Shown(
        town_id=town.pk,
        author=tip.author,
        neighbourhood_id=None,
        text=f"{tip.title}\n{tip.summary}",
        url=tip.url or "",
        hidden=not tip.live,
    )


def _hide(tip: TipPage, moderator, decision) -> None:
    if tip.live:
        tip.unpublish(user=moderator)


def _restore(tip: TipPage, moderator) -> None:
    revision = tip.get_latest_revision()
    if not tip.live and revision is not None:
        revision.publish(user=moderator)


def export_member(member: Member, archive: Archive) -> None:
    """astuces.json: the tips the member proposed (published or not);
    actions.json: the tips the household did and those the member found
    useful."""
    archive.documents["astuces.json"] = {
        "proposees": [
            {
                "id": tip.pk,
                "titre": tip.title,
                "en_bref": tip.summary,
                "domaine": tip.domain,
                "texte": tip.body_text(),
                "publiee": tip.live,
                "publiee_le": iso(tip.first_published_at),
                "modifiee_le": iso(tip.latest_revision_created_at),
            }
            for tip in TipPage.objects.filter(author=member).order_by("pk")
        ]
    }
    actions = archive.section("actions.json")
    if member.household_id is not None:
        actions["astuces_faites"] = rows(
            TipDone.objects.filter(household_id=member.household_id),
            ["tip_id", "created_at", "points_awarded"],
        )
    actions["astuces_utiles"] = rows(
        TipVote.objects.filter(member=member), ["tip_id", "created_at"]
    )


def register_all() -> None:
    """Called once from TipsConfig.ready()."""
    kinds.register(
        ContentKind(
            name="tip",
            described=_("cette astuce"),
            label=_("Proposition d'astuce"),
            model=TipPage,
            load=_load,
            show=_show,
            reportable=lambda reporter, tip: tip.live,
            hide=_hide,
            restore=_restore,
            search=register(TipKind()),
        )
    )
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- astuces.json : les astuces que vous avez proposées, publiées ou non ;"
        ),
    )
    kinds.register_member_eraser(do_erase_member_tips)
