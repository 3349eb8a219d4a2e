"""The admin form of a town sensor: its position must be inside its town."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from community.models import TownPage

BOUNDS = ("bounds_south", "bounds_west", "bounds_north", "bounds_east")


def inside_town(town: TownPage, latitude: float, longitude: float) -> bool:
    """Whether the point is inside the town's bounds (anywhere when it has none).

    A check of its own, not reports.geo's: that app sits above this one.
    """
    south, west, north, east = (getattr(town, name) for name in BOUNDS)
    if None in (south, west, north, east):
        return True
    return south <= latitude <= north and west <= longitude <= east


class TownSensorForm(WagtailAdminModelForm):
    def clean(self) -> dict:
        data = super().clean()
        town = data.get("town")
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if town is not None and latitude is not None and longitude is not None:
            if not inside_town(town, latitude, longitude):
                raise ValidationError(
                    {
                        "latitude": _(
                            "Ce point est en dehors des limites de %(town)s "
                            "(Réglages de la commune)."
                        )
                        % {"town": town.title}
                    }
                )
        return data
