"""Positions (WGS84 latitude/longitude): distances, boxes, the town's bounds,
the neighbourhood under a point. Small enough not to need GEOS: the distances
are a few metres to a few kilometres and the outlines a few dozen points."""

import math
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import Neighbourhood, TownPage

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square holding the circle of `radius_m`:
    a cheap indexed pre-filter before `distance_m`."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def has_bounds(town: TownPage) -> bool:
    return None not in (
        town.bounds_south,
        town.bounds_west,
        town.bounds_north,
        town.bounds_east,
    )


def check_position(town: TownPage, latitude: object, longitude: object) -> None:
    """Refuse a position that is not two finite numbers inside the town's bounds
    (any position on Earth when the town has none set)."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ValidationError(
            _("La position doit être une latitude et une longitude en degrés."),
            code="bad_position",
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (
        -90 <= lat <= 90 and -180 <= lon <= 180
    ):
        raise ValidationError(
            _("La position doit être une latitude et une longitude en degrés."),
            code="bad_position",
        )
    if has_bounds(town) and not (
        town.bounds_south <= lat <= town.bounds_north
        and town.bounds_west <= lon <= town.bounds_east
    ):
        raise ValidationError(
            _(
                "Ce point est en dehors de %(town)s : placez le repère dans la "
                "commune, ou écrivez l'adresse."
            )
            % {"town": town.title},
            code="outside_town",
        )


def _in_ring(lat: float, lon: float, ring: list) -> bool:
    # Ray casting on [lon, lat] pairs, as GeoJSON writes them.
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (
            (yj - yi) or 1e-12
        ) + xi:
            inside = not inside
        j = i
    return inside


def _polygons(outline: dict) -> Iterable[list]:
    if not isinstance(outline, dict):
        return []
    if outline.get("type") == "Feature":
        outline = outline.get("geometry") or {}
    coordinates = outline.get("coordinates") or []
    if outline.get("type") == "Polygon":
        return [coordinates]
    if outline.get("type") == "MultiPolygon":
        return coordinates
    return []


def in_outline(lat: float, lon: float, outline: dict) -> bool:
    """Whether the point is inside a GeoJSON Polygon or MultiPolygon (holes
    excluded)."""
    for polygon in _polygons(outline):
        if not polygon:
            continue
        if _in_ring(lat, lon, polygon[0]) and not any(
            _in_ring(lat, lon, hole) for hole in polygon[1:]
        ):
            return True
    return False


def neighbourhood_at(town: TownPage, lat: float, lon: float) -> Neighbourhood | None:
    """The town's neighbourhood whose outline holds the point, if any."""
    for neighbourhood in Neighbourhood.objects.filter(town=town).exclude(outline=None):
        if in_outline(lat, lon, neighbourhood.outline or {}):
            return neighbourhood
    return None
