"""Grid alerts in the admin menu, for the moderators of a town."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gridalerts.admin_views import (
    IndexView,
    SettingsView,
    StartFlashView,
    may_run_grid_alerts,
)


@hooks.register("register_admin_urls")
def grid_alert_urls():
    return [
        path("alertes-reseau/", IndexView.as_view(), name="gridalerts_index"),
        path(
            "alertes-reseau/<int:town_id>/reglages/",
            SettingsView.as_view(),
            name="gridalerts_settings",
        ),
        path(
            "alertes-reseau/<int:town_id>/lancer/",
            StartFlashView.as_view(),
            name="gridalerts_start_flash",
        ),
    ]


class GridAlertsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return may_run_grid_alerts(request.user)


@hooks.register("register_admin_menu_item")
def grid_alerts_menu_item():
    return GridAlertsMenuItem(
        _("Alertes réseau"), reverse("gridalerts_index"), icon_name="warning", order=230
    )
