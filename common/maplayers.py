"""The town map's extra layers: what the apps above reports put on `/carte/`.

reports owns the town's map but sits below events and localshops (docs/
architecture.md, « Layers »): it may not import them. Each of them registers a
layer here from its AppConfig.ready() (a key, a label, and a function giving the
town's pins); the map page asks `town_layers` and draws one overlay and one
plain list per layer (docs/reports.md, « Couches de la carte »).

A pins function answers a bounded number of queries whatever the number of
pins (the map page's query count is tested), and only what anyone may read:
the map is public.

Registration order is INSTALLED_APPS order (each app's ready()): the layers
come in that order, always the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from django.http import HttpRequest
from django.utils.functional import Promise

from community.models import TownPage


class Pin(TypedDict, total=False):
    """One point of a layer. `lat`, `lon`, `title` and `url` always; `text` a
    short line (a place's name, a kind of shop); `address` when known; `when`
    (a date in words) with `datetime` (the same, ISO 8601) for what happens at
    a time."""

    lat: float
    lon: float
    title: str
    url: str
    text: str
    address: str
    when: str
    datetime: str


PinsFunction = Callable[[TownPage, HttpRequest | None], list[Pin]]


@dataclass(frozen=True)
class MapLayer:
    key: str
    # « Événements »: the layer control's name and the list's heading.
    label: str | Promise
    pins: PinsFunction
    # What the list says when the layer has no pin in the town.
    empty_text: str | Promise = ""


_layers: dict[str, MapLayer] = {}


def register(
    key: str,
    label: str | Promise,
    pins: PinsFunction,
    *,
    empty_text: str | Promise = "",
) -> MapLayer:
    """Add (or replace, by key) a layer of the town's map."""
    layer = MapLayer(key=key, label=label, pins=pins, empty_text=empty_text)
    _layers[key] = layer
    return layer


def unregister(key: str) -> None:
    _layers.pop(key, None)


def all_layers() -> list[MapLayer]:
    return list(_layers.values())


def town_layers(town: TownPage, request: HttpRequest | None = None) -> list[dict]:
    """Every layer with the town's pins, ready for `json_script` and the list:
    `key`, `label`, `empty_text` (text, not lazy) and `pins`."""
    return [
        {
            "key": layer.key,
            "label": str(layer.label),
            "empty_text": str(layer.empty_text),
            "pins": layer.pins(town, request),
        }
        for layer in _layers.values()
    ]
