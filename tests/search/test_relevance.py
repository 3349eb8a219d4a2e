"""French relevance on a fixed set of tips, against the real Elasticsearch."""

import pytest

from search import indexing, queries
from tests.tips.helpers import make_tip, make_tip_index

TIPS = {
    "velo": {
        "title": "Se déplacer à vélo pour les trajets courts",
        "domain": "transport",
        "summary": "Le vélo remplace la voiture sur les petits trajets du quotidien.",
    },
    "mousseur": {
        "title": "Installer un mousseur sur chaque robinet",
        "domain": "water",
        "summary": "Des économies sans effort : jusqu'à la moitié d'eau en moins.",
    },
    "chauffage": {
        "title": "Baisser le chauffage d'un degré",
        "domain": "energy",
        "summary": "Chaque degré en moins, ce sont 7 % d'économies sur la facture.",
    },
    "compost": {
        "title": "Composter ses épluchures",
        "domain": "waste",
        "summary": "Les restes de cuisine deviennent un engrais pour le jardin.",
    },
    "vrac": {
        "title": "Acheter en vrac au marché",
        "domain": "local_food",
        "summary": "Moins d'emballages, des produits des fermes voisines.",
    },
    "douche": {
        "title": "Prendre des douches courtes",
        "domain": "water",
        "summary": "Une douche de cinq minutes consomme soixante litres d'eau.",
    },
    "covoiturage": {
        "title": "Covoiturer pour aller au travail",
        "domain": "transport",
        "summary": "Partager sa voiture avec des collègues du quartier.",
        "steps": ["Trouver des collègues", "Organiser le covoiturage de la semaine"],
    },
}


@pytest.fixture
def tips(town):
    index = make_tip_index(town)
    made = {key: make_tip(index, **fields) for key, fields in TIPS.items()}
    indexing.rebuild()
    return made


def titles(town, query: str, **filters) -> list[str]:
    results = queries.search_content(town, query, **filters)
    assert results.precise, results.notices
    return [str(hit.title) for hit in results.hits]


def first_key(tips, town, query: str) -> str | None:
    found = queries.search_content(town, query).hits
    if not found:
        return None
    return next(key for key, tip in tips.items() if tip.slug in found[0].url)


# One data set, many queries: each case is checked and every failure reported.
CASES = [
    ("velo", "velo"),  # no accent typed
    ("VÉLOS", "velo"),  # capitals, accent, plural
    ("bicyclette", "velo"),  # our synonym
    ("robinets", "mousseur"),  # plural
    ("l'eau robinet", "mousseur"),  # elision: "l'eau" finds "d'eau"
    ("douche", "douche"),  # singular finds plural
    ("chaufage", "chauffage"),  # a typo
    ("voiture partagée", "covoiturage"),  # multi-word synonym
    ("compostage", "compost"),  # synonym of a word family
    ("organiser", "covoiturage"),  # found in the steps of the body
    ("marche", "vrac"),  # "marché" typed without its accent
]


def test_french_queries_find_the_right_tip_first(tips, town):
    wrong = {}
    for query, expected in CASES:
        found = first_key(tips, town, query)
        if found != expected:
            wrong[query] = (found, expected)
    assert wrong == {}


def test_l_eau_finds_eau_in_every_tip_that_has_it(tips, town):
    assert found_keys(tips, town, "l'eau") == {"mousseur", "douche"}


def found_keys(tips, town, query: str) -> set[str]:
    urls = [hit.url for hit in queries.search_content(town, query).hits]
    return {key for key, tip in tips.items() if any(tip.slug in url for url in urls)}


def test_economiser_finds_economies(tips, town):
    assert {"mousseur", "chauffage"} <= found_keys(tips, town, "économiser")


def test_unrelated_words_find_nothing(tips, town):
    assert titles(town, "piscine chauffée olympique") == []


def test_excerpts_are_highlighted_and_escaped(tips, town):
    hit = queries.search_content(town, "velo").hits[0]
    assert "<mark>vélo</mark>" in hit.title or "<mark>vélo</mark>" in hit.excerpt
    assert "<mark>" in hit.excerpt or "<mark>" in hit.title


def test_facets_count_kinds_and_domains(tips, town):
    results = queries.search_content(town, "eau")
    domains = {value.value: value.count for value in results.facets["domain"]}
    assert domains == {"water": 2}
    assert [(v.value, v.count) for v in results.facets["kind"]] == [("tip", 2)]
    filtered = queries.search_content(town, "moins", domain="energy")
    assert [hit.domain_label for hit in filtered.hits] == ["Énergie"]
    assert filtered.total == 1
    # The other domains are still offered, with their counts, while one is chosen.
    offered = {value.value: value.count for value in filtered.facets["domain"]}
    assert offered == {"energy": 1, "water": 1, "local_food": 1}
    assert [v.value for v in filtered.facets["domain"] if v.active] == ["energy"]
