from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from mydata.admin_views import ResearchExportView
from mydata.queries import is_research_exporter


@hooks.register("register_admin_urls")
def research_urls():
    return [
        path("recherche/export/", ResearchExportView.as_view(), name="mydata_research")
    ]


class ResearchMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_research_exporter(request.user)


@hooks.register("register_reports_menu_item")
def research_menu_item():
    return ResearchMenuItem(
        _("Export de recherche"),
        reverse("mydata_research"),
        icon_name="download",
        order=800,
    )
