"""The town's businesses and seasonal calendar in the Wagtail admin, each list
in the user's towns; a new reward shop gets its line in the directory."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from challenges.models import Shop
from community.admin_towns import TownScopedViewSet
from localshops import actions
from localshops.models import LocalBusiness, Produce


class LocalBusinessViewSet(TownScopedViewSet, SnippetViewSet):
    model = LocalBusiness
    town_field = "town"
    icon = "site"
    list_display = ["name", "kind", "reward_shop", "active", "town"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "description"]
    # The reward shop and the produce: the user's towns' only.
    choice_town_paths = {Shop: "town", Produce: "town"}

    def base_queryset(self, request):
        return LocalBusiness.objects.select_related("town", "reward_shop")


class ProduceViewSet(TownScopedViewSet, SnippetViewSet):
    model = Produce
    town_field = "town"
    icon = "date"
    list_display = ["name", "category", "town"]
    list_filter = ["category"]
    search_fields = ["name"]

    def base_queryset(self, request):
        return Produce.objects.select_related("town")


register_snippet(LocalBusinessViewSet)
register_snippet(ProduceViewSet)


@hooks.register("after_create_snippet")
def add_reward_shop_to_directory(request, instance) -> None:
    """A reward shop created in the admin appears in the directory at once."""
    if isinstance(instance, Shop):
        actions.do_ensure_business_for_shop(instance)
