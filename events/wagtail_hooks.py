"""Events in the Wagtail admin: a new town gets its events page."""

from wagtail import hooks

from events.models import EventIndexPage


@hooks.register("smartcitizen_town_tree")
def add_event_index(town) -> None:
    """A new town's « Événements » page (community.new_town)."""
    town.add_child(instance=new_event_index())


def new_event_index() -> EventIndexPage:
    return EventIndexPage(
        title="Événements",
        slug="evenements",
        intro=(
            "<p>Ateliers, visites, cafés réparation et marchés près de chez vous.</p>"
        ),
        title_en="Events",
        intro_en="<p>Workshops, visits, repair cafés and markets near you.</p>",
    )
