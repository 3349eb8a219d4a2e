"""The directory, a business's page, the map and the seasonal page, through HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localshops.models import BusinessKind, LocalBusiness
from tests.factories import make_town

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [business.name for business in response.context["page"]]


def test_the_directory_lists_active_businesses_and_filters_them(client, shops):
    url = reverse("localshops:directory")
    everything = client.get(url)
    assert everything.status_code == 200
    assert names(everything) == [
        "Boulangerie du Pont",
        "Fromagerie Morel",
        "Les Jardins de la Lys",
    ]
    assert "Accepte les récompenses du programme" in everything.content.decode()

    assert names(client.get(url, {"type": BusinessKind.PRODUCER})) == [
        "Les Jardins de la Lys"
    ]
    assert names(client.get(url, {"recompenses": "on"})) == ["Boulangerie du Pont"]
    by_produce = client.get(url, {"produit": shops["strawberry"].pk})
    assert names(by_produce) == ["Les Jardins de la Lys"]  # not the hidden shop
    # A bad value is said on its field; the other filters still apply.
    bad = client.get(url, {"type": "zoo", "recompenses": "on"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["type"]
    assert names(bad) == ["Boulangerie du Pont"]


def test_the_directory_runs_the_same_queries_whatever_its_length(client, town, shops):
    url = reverse("localshops:directory")
    client.get(url)  # warm the site and town caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(30):
        business = LocalBusiness.objects.create(town=town, name=f"Étal {number:02}")
        business.products.set([shops["leek"], shops["strawberry"]])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["page"].object_list) == 20
    assert len(many.captured_queries) == len(few.captured_queries)
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 13


def test_another_towns_business_is_a_404_and_never_listed(client, shops):
    other = make_town("Rivemont", hostname="rivemont.test")
    theirs = LocalBusiness.objects.create(town=other, name="Zorglub Primeurs")
    detail = reverse("localshops:detail", args=[theirs.pk])
    assert client.get(detail).status_code == 404
    assert "Zorglub" not in client.get(reverse("localshops:directory")).content.decode()
    assert "Zorglub" not in client.get(reverse("localshops:map")).content.decode()
    hidden = reverse("localshops:detail", args=[shops["hidden"].pk])
    assert client.get(hidden).status_code == 404
    # Rivemont's own site shows it.
    assert client.get(detail, HTTP_HOST="rivemont.test").status_code == 200


def test_a_business_page_says_what_when_where_and_its_rewards(client, shops):
    bakery = client.get(reverse("localshops:detail", args=[shops["bakery"].pk]))
    page = bakery.content.decode()
    assert "Une baguette offerte" in page and "30 points" in page
    assert "Récompenses du programme acceptées ici" in page

    garden = client.get(reverse("localshops:detail", args=[shops["garden"].pk]))
    page = garden.content.decode()
    assert "Mardi et vendredi, 16 h – 19 h" in page
    assert "Chemin des Prés" in page
    assert "Fraise" in page and "Poireau" in page
    assert "data-shop-map" in page  # the small map, with its one pin
    assert garden.context["pins"][0]["lat"] == 45.05
    assert "Récompenses du programme" not in page


def test_the_map_page_is_a_list_with_the_pins_as_data(client, shops):
    page = client.get(reverse("localshops:map"))
    assert page.status_code == 200
    assert [pin["name"] for pin in page.context["pins"]] == ["Les Jardins de la Lys"]
    content = page.content.decode()
    assert 'id="localshops-pins"' in content
    for name in ("Boulangerie du Pont", "Fromagerie Morel", "Les Jardins de la Lys"):
        assert name in content
    assert "Ancienne épicerie" not in content


def test_the_map_runs_the_same_queries_whatever_its_length(client, town, shops):
    url = reverse("localshops:map")
    client.get(url)  # warm the site and town caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(30):
        LocalBusiness.objects.create(
            town=town,
            name=f"Étal {number:02}",
            kind=BusinessKind.MARKET_STALL,
            latitude=45.05,
            longitude=4.05,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["pins"]) == 31
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_seasonal_page_shows_a_months_produce_with_its_producers(client, shops):
    url = reverse("localshops:seasonal")
    june = client.get(url, {"mois": 6})
    content = june.content.decode()
    assert "De saison en juin" in content
    [(label, items)] = june.context["groups"]
    assert str(label) == "Fruit" and [p.name for p in items] == ["Fraise"]
    # The producer who has it, not the hidden shop.
    assert [b.name for b in items[0].businesses.all()] == ["Les Jardins de la Lys"]
    assert "Ancienne épicerie" not in content
    assert "?mois=5" in content and "?mois=7" in content

    december = client.get(url, {"mois": 12})
    assert [p.name for _, items in december.context["groups"] for p in items] == [
        "Poireau"
    ]
    # A month that is not one: the current month, no error page.
    assert client.get(url, {"mois": "13"}).status_code == 200


def test_the_seasonal_page_runs_two_queries_for_its_produce(client, town, shops):
    url = reverse("localshops:seasonal")
    client.get(url, {"mois": 6})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"mois": 6})
    from localshops.models import Produce
    from tests.localshops.conftest import months

    for number in range(15):
        produce = Produce.objects.create(
            town=town, name=f"Fruit {number}", months=months(6)
        )
        shops["garden"].products.add(produce)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"mois": 6})
    assert len(many.captured_queries) == len(few.captured_queries)
