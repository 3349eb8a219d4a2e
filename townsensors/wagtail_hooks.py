"""The town's sensors in the Wagtail admin, for its administrators and
service staff, each in the towns where they hold the role."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.admin_towns import TownScopedViewSet
from community.models import Role
from townsensors.forms import TownSensorForm
from townsensors.models import TownSensor


class TownSensorViewSet(TownScopedViewSet, SnippetViewSet):
    model = TownSensor
    town_field = "town"
    town_roles = (Role.TOWN_ADMIN, Role.SERVICE)
    icon = "pick"
    menu_label = _("Capteurs")
    add_to_admin_menu = True
    menu_order = 320
    list_display = ["name", "kind", "unit", "public_id", "active", "town"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "public_id"]
    edit_handler = ObjectList(
        [
            FieldPanel("town"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("unit")]),
            FieldPanel("public_id"),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldPanel("expected_interval_minutes"),
            FieldPanel("active"),
        ],
        base_form_class=TownSensorForm,
    )

    def base_queryset(self, request):
        return TownSensor.objects.select_related("town")


register_snippet(TownSensorViewSet)
