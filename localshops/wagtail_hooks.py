"""The town's businesses and seasonal calendar in the Wagtail admin, each list
in the user's towns; a new reward shop gets its line in the directory."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ambassadors.wagtail_hooks import ReadOnlyPolicy
from challenges.models import Shop
from community.admin_towns import TownScopedViewSet
from localshops import actions
from localshops.models import LocalBusiness, LocalPurchase, Produce


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


class ReceiptColumn(Column):
    """A link to the receipt's photo, served by the permission-checked view."""

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("localshops:receipt", args=[instance.pk]),
            _("Voir le ticket"),
        )


# Purchases are written by « J'ai acheté local » only: the admin reads them.
register_permission_policy(LocalPurchase, ReadOnlyPolicy(LocalPurchase))


class LocalPurchaseViewSet(TownScopedViewSet, SnippetViewSet):
    """The town's purchases, for the moderators who check the receipts."""

    model = LocalPurchase
    town_field = "town"
    icon = "tick"
    list_display = [
        "created_at",
        "business_name",
        "amount",
        "points_awarded",
        ReceiptColumn("receipt", label=_("Ticket")),
    ]
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "business_name",
        "amount",
        "points_awarded",
        "household",
    ]

    def base_queryset(self, request):
        return LocalPurchase.objects.select_related("town")


register_snippet(LocalBusinessViewSet)
register_snippet(ProduceViewSet)
register_snippet(LocalPurchaseViewSet)


@hooks.register("after_create_snippet")
def add_reward_shop_to_directory(request, instance) -> None:
    """A reward shop created in the admin appears in the directory at once."""
    if isinstance(instance, Shop):
        actions.do_ensure_business_for_shop(instance)
