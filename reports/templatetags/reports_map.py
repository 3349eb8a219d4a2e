"""Template tags of the town's map and the pin picker: the map's settings as
data- attributes (no inline script), and the live stream of a reports page."""

from django import template
from django.conf import settings

from community.models import TownPage
from realtime.groups import reports_stream
from realtime.queries import latest_event_id
from realtime.streams import can_read_town_or_staff
from reports import geo

register = template.Library()


@register.simple_tag
def map_config(town: TownPage) -> dict:
    """Tiles, attribution, centre, zoom and bounds of the town's map. The
    centre is the town's own (Réglages), else the middle of its bounds, else
    None (map.js then fits the pins)."""
    bounds = None
    if geo.has_bounds(town):
        bounds = ",".join(
            str(value)
            for value in (
                town.bounds_south,
                town.bounds_west,
                town.bounds_north,
                town.bounds_east,
            )
        )
    latitude, longitude = town.map_latitude, town.map_longitude
    if (latitude is None or longitude is None) and bounds:
        latitude = (town.bounds_south + town.bounds_north) / 2
        longitude = (town.bounds_west + town.bounds_east) / 2
    return {
        "tile_url": settings.SMARTCITIZEN["MAP_TILE_URL"],
        "attribution": settings.SMARTCITIZEN["MAP_TILE_ATTRIBUTION"],
        "latitude": latitude,
        "longitude": longitude,
        "zoom": town.map_zoom or 13,
        "bounds": bounds or "",
    }


@register.inclusion_tag("reports/includes/live.html", takes_context=True)
def reports_live(context: template.Context, town: TownPage) -> dict:
    """The reports stream of the town and reports/live.js, for a page that
    shows report cards or a timeline (members and staff only: the stream is
    theirs; anyone else reloads to see news)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"stream": None}
    if not can_read_town_or_staff(user, town.pk):
        return {"stream": None}
    stream = reports_stream(town.pk)
    return {"stream": stream, "since": latest_event_id(stream)}
