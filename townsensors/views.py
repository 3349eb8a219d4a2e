"""The town's sensor pages: `/capteurs/` and `/capteurs/<id>/`.

Open to every visitor of the town's site, signed in or not: the values are
measures of the public space (no person in them), the town publishes them.
Live updates need the sensors stream, which its members and staff read
(docs/decisions.md, session 9).
"""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community.towns import town_or_404
from realtime.groups import sensors_stream
from realtime.queries import latest_event_id
from realtime.streams import can_read_town_or_staff
from townsensors import queries
from townsensors.charts import line_chart

SERIES_DAYS = 7


def _live(request: HttpRequest, town) -> dict:
    """The stream and its last event id for a viewer who may read it."""
    user = request.user
    if not user.is_authenticated or not can_read_town_or_staff(user, town.pk):
        return {"live_stream": None, "live_since": None}
    stream = sensors_stream(town.pk)
    return {"live_stream": stream, "live_since": latest_event_id(stream)}


def _with_instant(row: dict) -> dict:
    """`observed`: the row's `observed_at` as a datetime, for the templates."""
    row["observed"] = parse_datetime(row["observed_at"]) if row["observed_at"] else None
    return row


def sensor_list(request: HttpRequest) -> HttpResponse:
    """Every active sensor of the town with its latest value and age."""
    town = town_or_404(request)
    rows, available = queries.sensor_rows(town)
    return render(
        request,
        "townsensors/sensor_list.html",
        {
            "town": town,
            "sensors": [_with_instant(row) for row in rows],
            "available": available,
            **_live(request, town),
        },
    )


def sensor_detail(request: HttpRequest, sensor_id: int) -> HttpResponse:
    """One sensor: latest value, age, silent or not, its 7 days (chart and table)."""
    town = town_or_404(request)
    sensor = queries.access_sensor(town, sensor_id)
    row, series, available = queries.sensor_detail(sensor)
    now = timezone.now()
    points = series["points"] if series else []
    chart = line_chart(
        points, since=now - timedelta(days=SERIES_DAYS), now=now, unit=sensor.unit
    )
    return render(
        request,
        "townsensors/sensor_detail.html",
        {
            "town": town,
            "sensor": sensor,
            "row": _with_instant(row),
            "chart": chart,
            "points": list(reversed(points)),
            "hourly": bool(series and series["step"] == "hour"),
            "available": available,
            **_live(request, town),
        },
    )
