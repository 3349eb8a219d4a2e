"""The town map's layers of the apps above reports (`common.maplayers`): coming
events with a place and active shops and producers on `/carte/`, as JSON data
for map-layers.js and as plain lists; never another town's; bounded queries."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import maplayers
from localshops.models import BusinessKind, LocalBusiness
from tests.events.helpers import make_event, make_event_index
from tests.factories import make_town

pytestmark = pytest.mark.django_db

MAP = "/carte/"
OTHER_HOST = "ailleurs.test"


def _layers(html: str) -> dict[str, dict]:
    match = re.search(
        r'<script id="town-map-layers-data" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "the layers' JSON data block"
    return {layer["key"]: layer for layer in json.loads(match.group(1))}


def _titles(layer: dict) -> list[str]:
    return [pin["title"] for pin in layer["pins"]]


def _section(html: str, key: str) -> str:
    match = re.search(
        rf'<section[^>]*data-map-layer="{key}">(.*?)</section>', html, re.S
    )
    assert match, f"the list of the layer {key}"
    return match.group(1)


def _business(town, name: str, *, active: bool = True, position: bool = True, **kw):
    return LocalBusiness.objects.create(
        town=town,
        name=name,
        kind=kw.pop("kind", BusinessKind.PRODUCER),
        address=kw.pop("address", "Chemin des Prés"),
        latitude=45.05 if position else None,
        longitude=4.06 if position else None,
        active=active,
        **kw,
    )


@pytest.fixture
def other_town(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    town = make_town("Ailleurs", hostname=OTHER_HOST)
    town.bounds_south, town.bounds_north = 45.0, 45.1
    town.bounds_west, town.bounds_east = 4.0, 4.1
    town.save()
    return town


def test_coming_events_with_a_place_and_active_shops_are_on_the_map(
    client, bounded_town, other_town
):
    index = make_event_index(bounded_town)
    coming = make_event(
        index,
        "Café réparation",
        place_name="Salle des fêtes",
        address="2 place de la Mairie",
        latitude=45.04,
        longitude=4.04,
    )
    # Started an hour ago, ends in an hour: still on the map.
    ongoing = make_event(
        index,
        "Marché des producteurs",
        start=timezone.now() - timedelta(hours=1),
        latitude=45.06,
        longitude=4.05,
    )
    make_event(
        index,
        "Atelier compost passé",
        start=timezone.now() - timedelta(days=3),
        latitude=45.05,
        longitude=4.05,
    )
    make_event(index, "Visite sans lieu précis")  # no position
    withdrawn = make_event(index, "Atelier retiré", latitude=45.05, longitude=4.05)
    withdrawn.unpublish()
    make_event(
        make_event_index(other_town),
        "Fête d'ailleurs",
        latitude=45.05,
        longitude=4.05,
    )
    garden = _business(bounded_town, "Les Jardins de la Lys")
    _business(bounded_town, "Épicerie fermée", active=False)
    _business(bounded_town, "Boulangerie sans repère", position=False)
    _business(other_town, "Ferme d'ailleurs")

    response = client.get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    layers = _layers(html)
    assert list(layers) == ["events", "localshops"]
    assert layers["events"]["label"] == "Événements"
    assert _titles(layers["events"]) == ["Marché des producteurs", "Café réparation"]
    assert _titles(layers["localshops"]) == ["Les Jardins de la Lys"]
    pin = layers["events"]["pins"][1]
    assert pin["lat"] == 45.04 and pin["lon"] == 4.04
    assert pin["url"] == f"/evenements/{coming.slug}/"
    assert pin["text"] == "Salle des fêtes"
    assert pin["address"] == "2 place de la Mairie"
    assert pin["datetime"] == timezone.localtime(coming.start).isoformat()
    shop = layers["localshops"]["pins"][0]
    assert shop["url"] == f"/commerces/{garden.pk}/"
    assert shop["text"] == "Producteur" and shop["address"] == "Chemin des Prés"

    # The lists, without JavaScript: the same places, with dates and addresses.
    events_list = _section(html, "events")
    assert f'href="/evenements/{coming.slug}/"' in events_list
    assert f'href="/evenements/{ongoing.slug}/"' in events_list
    assert "2 place de la Mairie" in events_list
    assert f'<time datetime="{pin["datetime"]}">' in events_list
    for absent in ("Atelier compost passé", "Visite sans lieu", "Atelier retiré"):
        assert absent not in html
    shops_list = _section(html, "localshops")
    assert f'href="/commerces/{garden.pk}/"' in shops_list
    assert "Chemin des Prés" in shops_list
    for absent in ("Épicerie fermée", "Boulangerie sans repère", "Ferme d'ailleurs"):
        assert absent not in html
    assert "Fête d" not in html

    # The other town's map has its own, and never these.
    elsewhere = _layers(client.get(MAP, HTTP_HOST=OTHER_HOST).content.decode())
    assert _titles(elsewhere["events"]) == ["Fête d'ailleurs"]
    assert _titles(elsewhere["localshops"]) == ["Ferme d'ailleurs"]


def test_an_empty_layer_says_so_in_its_list(client, bounded_town):
    html = client.get(MAP).content.decode()
    layers = _layers(html)
    assert layers["events"]["pins"] == [] and layers["localshops"]["pins"] == []
    assert "Aucun événement à venir n’a de lieu sur la carte." in _section(
        html, "events"
    )
    assert "Aucun commerce ni producteur n’est encore sur la carte." in _section(
        html, "localshops"
    )
    # The script comes after map.js, which leaves it the map.
    scripts = re.findall(r'<script src="[^"]*/reports/([a-z-]+)\.js"', html)
    assert scripts.index("map-layers") == scripts.index("map") + 1


def test_a_registered_layer_is_drawn_and_its_text_escaped(client, bounded_town):
    def pins(town, request):
        assert town.pk == bounded_town.pk and request is not None
        return [
            {
                "lat": 45.01,
                "lon": 4.01,
                "title": "<b>Composteur</b> du parc",
                "url": "/compost/",
                "text": "Bac </script> partagé",
            }
        ]

    maplayers.register("test-compost", "Composteurs", pins)
    try:
        html = client.get(MAP).content.decode()
    finally:
        maplayers.unregister("test-compost")
    layer = _layers(html)["test-compost"]
    assert layer["colour"] == 3  # the third layer: the third colour
    assert _titles(layer) == ["<b>Composteur</b> du parc"]
    section = _section(html, "test-compost")
    assert "&lt;b&gt;Composteur&lt;/b&gt; du parc" in section
    assert "Rien sur la carte pour l’instant." not in section
    assert "</script> partagé" not in html
    assert "test-compost" not in client.get(MAP).content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(MAP)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_layers_cost_the_same_queries_for_two_pins_or_forty(client, bounded_town):
    index = make_event_index(bounded_town)
    make_event(index, "Atelier 0", latitude=45.05, longitude=4.05)
    _business(bounded_town, "Commerce 0")
    client.get(MAP)  # Wagtail's site paths are cached from the first page on.
    few = _queries(client)

    for i in range(1, 20):
        make_event(index, f"Atelier {i}", latitude=45.05, longitude=4.05)
        _business(bounded_town, f"Commerce {i}")
    assert _queries(client) == few
    layers = _layers(client.get(MAP).content.decode())
    assert len(layers["events"]["pins"]) == 20
    assert len(layers["localshops"]["pins"]) == 20
