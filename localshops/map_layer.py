"""The shops' and producers' layer of the town's map (`/carte/`, docs/
reports.md, « Couches de la carte »): the active businesses that have a position.

Registered from LocalshopsConfig.ready() in `common.maplayers` (reports draws
the map and may not import localshops).
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common import maplayers
from common.maplayers import Pin
from community.models import TownPage
from localshops.queries import MAX_MAP_BUSINESSES, active_businesses


def business_pins(town: TownPage, request: HttpRequest | None = None) -> list[Pin]:
    """One pin per active business with a position, by name (one query)."""
    businesses = active_businesses(town).filter(
        latitude__isnull=False, longitude__isnull=False
    )[:MAX_MAP_BUSINESSES]
    return [
        Pin(
            lat=business.latitude,
            lon=business.longitude,
            title=business.name,
            url=reverse("localshops:detail", args=[business.pk]),
            text=str(business.get_kind_display()),
            address=business.address,
        )
        for business in businesses
    ]


def register() -> None:
    maplayers.register(
        "localshops",
        _("Commerces et producteurs"),
        business_pins,
        empty_text=_("Aucun commerce ni producteur n’est encore sur la carte."),
    )
