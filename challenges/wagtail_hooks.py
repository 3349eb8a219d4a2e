"""The shops and their rewards in the Wagtail admin, each list in the user's towns."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from challenges.models import ChallengeIndexPage, Reward, Shop
from community.admin_towns import TownScopedViewSet


class ShopViewSet(TownScopedViewSet, SnippetViewSet):
    model = Shop
    town_field = "town"
    icon = "snippet"
    list_display = ["name", "town"]

    def base_queryset(self, request):
        return Shop.objects.select_related("town")


class RewardViewSet(TownScopedViewSet, SnippetViewSet):
    model = Reward
    town_field = "shop__town"
    icon = "snippet"
    list_display = ["title", "shop", "points", "active"]
    # A reward's shop: one of the user's towns' shops only.
    choice_town_paths = {Shop: "town"}

    def base_queryset(self, request):
        return Reward.objects.select_related("shop")


register_snippet(ShopViewSet)
register_snippet(RewardViewSet)


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
