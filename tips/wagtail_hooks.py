"""Tips in the Wagtail admin: a new town gets its tips page."""

from wagtail import hooks

from tips.models import TipIndexPage


@hooks.register("smartcitizen_town_tree")
def add_tip_index(town) -> None:
    """A new town's « Astuces » page (community.new_town)."""
    town.add_child(
        instance=TipIndexPage(
            title="Astuces",
            slug="astuces",
            intro="<p>Ce qui marche chez vos voisins, vérifié par l'équipe.</p>",
            title_en="Tips",
            intro_en="<p>What works for your neighbours, checked by the team.</p>",
        )
    )
