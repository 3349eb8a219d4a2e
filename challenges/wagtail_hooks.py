from wagtail import hooks
from wagtail.snippets.models import register_snippet

from challenges.models import ChallengeIndexPage, Reward, Shop

register_snippet(Shop)
register_snippet(Reward)


@hooks.register("smartcitizen_town_tree")
def add_challenge_index(town) -> None:
    """A new town's « Défis » page (community.new_town)."""
    town.add_child(
        instance=ChallengeIndexPage(
            title="Défis",
            slug="defis",
            intro="<p>Des défis entre voisins : chaque geste compte pour l'équipe.</p>",
            title_en="Challenges",
            intro_en="<p>Challenges between neighbours: every action counts for the "
            "team.</p>",
        )
    )
