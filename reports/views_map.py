"""The town's map, `/carte/`: its reports, its sensors and the layers of the
apps above (events, shops: `common.maplayers`).

The page is a filtered, paginated list first (it works without JavaScript and
without tiles); `static/reports/map.js` adds a Leaflet map whose pins come from
`map_data` (GeoJSON) and whose sensors come from the page. Anyone may read both:
they carry what Open311 publishes (category, state, place), never a name.
"""

import json

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import maplayers
from community.models import Neighbourhood, TownPage
from community.towns import town_or_404
from realtime.groups import reports_stream, sensors_stream
from realtime.queries import latest_event_id
from realtime.streams import can_read_town_or_staff
from reports import queries
from reports.models import OPEN_STATES, Report, ReportState
from townsensors.queries import map_sensors

PAGE_SIZE = 25
# Pins sent at most, newest first: a town's map stays light on a phone; the
# answer says `truncated` when there were more (the list has them all).
MAX_PINS = 2000

STATE_OPEN = "ouverts"
STATE_ALL = "tous"


class MapFilterForm(forms.Form):
    """The map's and the list's filters, from the query string."""

    categorie = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=None,
        required=False,
        empty_label=_("Toutes"),
    )
    etat = forms.ChoiceField(label=_("État"), required=False)
    quartier = forms.ModelChoiceField(
        label=_("Quartier"),
        queryset=None,
        required=False,
        empty_label=_("Tous"),
    )

    def __init__(self, town: TownPage, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A retired category still names reports already made: it stays a filter.
        self.fields["categorie"].queryset = town.report_categories.all()
        self.fields["quartier"].queryset = Neighbourhood.objects.filter(
            town=town
        ).order_by("name")
        self.fields["etat"].choices = [
            (STATE_OPEN, _("Ouverts (ouvert ou pris en charge)")),
            (STATE_ALL, _("Tous")),
            *ReportState.choices,
        ]

    def filters(self) -> dict:
        """The valid filters only: a bad value is reported on its field and
        ignored, the others still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "category": data.get("categorie"),
            "state": data.get("etat") or STATE_OPEN,
            "neighbourhood": data.get("quartier"),
        }


def filtered_reports(town: TownPage, filters: dict) -> QuerySet[Report]:
    """The town's visible reports matching the filters, newest first."""
    reports = queries.visible_reports(town)
    if filters["category"] is not None:
        reports = reports.filter(category=filters["category"])
    if filters["neighbourhood"] is not None:
        reports = reports.filter(neighbourhood=filters["neighbourhood"])
    state = filters["state"]
    if state == STATE_OPEN:
        reports = reports.filter(state__in=OPEN_STATES)
    elif state != STATE_ALL:
        reports = reports.filter(state=state)
    return reports


def _query_string(filters: dict) -> str:
    """The filters as the form writes them (the pins' URL, the pages' links)."""
    query = QueryDict(mutable=True)
    if filters["category"] is not None:
        query["categorie"] = str(filters["category"].pk)
    query["etat"] = filters["state"]
    if filters["neighbourhood"] is not None:
        query["quartier"] = str(filters["neighbourhood"].pk)
    return query.urlencode()


def _live_filter(filters: dict) -> dict:
    """What live.js checks a new report against before adding its card and pin
    (the event's `category_id`, `state`, `neighbourhood_id`)."""
    state = filters["state"]
    return {
        "category_id": filters["category"].pk if filters["category"] else None,
        "neighbourhood_id": (
            filters["neighbourhood"].pk if filters["neighbourhood"] else None
        ),
        "states": (
            sorted(OPEN_STATES)
            if state == STATE_OPEN
            else None
            if state == STATE_ALL
            else [state]
        ),
    }


def age_text(seconds: float | None) -> str:
    """How long ago a sensor spoke, as the list shows it (map.js writes the
    same from the page's data-*-text attributes)."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60
    if minutes < 1:
        return gettext("à l’instant")
    if minutes < 60:
        return gettext("il y a {n} min").format(n=minutes)
    if minutes < 60 * 24:
        return gettext("il y a {n} h").format(n=minutes // 60)
    return gettext("il y a {n} j").format(n=minutes // (60 * 24))


# Colours of the layers' pins and swatches in map.css (map-layer-swatch--1…4),
# by the layer's position.
LAYER_COLOURS = 4


def map_layers(town: TownPage, request: HttpRequest) -> list[dict]:
    """The registered layers with the town's pins, each with its colour."""
    layers = maplayers.town_layers(town, request)
    for position, layer in enumerate(layers):
        layer["colour"] = position % LAYER_COLOURS + 1
    return layers


def map_page(request: HttpRequest) -> HttpResponse:
    """The town's reports (filters, paginated cards) and sensors; the map
    itself is drawn by map.js over the same filters."""
    town = town_or_404(request)
    form = MapFilterForm(town, request.GET or None)
    filters = form.filters()
    page = Paginator(filtered_reports(town, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = _query_string(filters)
    live = request.user.is_authenticated and can_read_town_or_staff(
        request.user, town.pk
    )
    stream = reports_stream(town.pk)
    sensors = sensors_stream(town.pk)
    return render(
        request,
        "reports/map.html",
        {
            "town": town,
            "form": form,
            "page": page,
            "query": query,
            "pins_url": f"{reverse('reports:map-data')}?{query}",
            "live_filter_json": json.dumps(_live_filter(filters)),
            "sensors": [
                {**sensor, "age_text": age_text(sensor["age_seconds"])}
                for sensor in map_sensors(town)
            ],
            "map_layers": map_layers(town, request),
            "live_stream": stream if live else None,
            "live_since": latest_event_id(stream) if live else None,
            "sensors_stream": sensors if live else None,
            "sensors_since": latest_event_id(sensors) if live else None,
        },
    )


def map_data(request: HttpRequest) -> JsonResponse:
    """The filtered reports that have a position, as a GeoJSON
    FeatureCollection (newest first, at most MAX_PINS; one query)."""
    town = town_or_404(request)
    form = MapFilterForm(town, request.GET or None)
    filters = form.filters()
    if form.errors:
        return JsonResponse(
            {
                "error": "bad_filter",
                "fields": {name: list(errors) for name, errors in form.errors.items()},
            },
            status=400,
        )
    rows = list(
        filtered_reports(town, filters)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values_list(
            "pk", "state", "latitude", "longitude", "category_id", "category__name"
        )[: MAX_PINS + 1]
    )
    labels = dict(ReportState.choices)
    detail = reverse("reports:detail", args=[0]).removesuffix("0/")
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "id": pk,
                "state": state,
                "state_label": str(labels.get(state, state)),
                "category": name,
                "category_id": category_id,
                "url": f"{detail}{pk}/",
            },
        }
        for pk, state, latitude, longitude, category_id, name in rows[:MAX_PINS]
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": len(rows) > MAX_PINS,
        },
        content_type="application/geo+json",
    )
