"""The search page, suggestions, bad input, the fallback and /healthz."""

import socket

import pytest
from django.test import override_settings

from search import indexing
from tests.tips.helpers import make_tip, make_tip_index

ODD_QUERIES = [
    "",
    "   ",
    "v" * 500,
    '"vélo',
    "*",
    "vélo:*",
    "title:vélo",
    "((vélo]",
    "vélo)",
    "🚲 vélo 🌱",
    "vélo\x1f",
    "AND OR NOT",
    '{"query": 1}',
    "/.*/",
    "\\",
]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def tips(town, django_capture_on_commit_callbacks):
    index = make_tip_index(town)
    # Through commit, so that Wagtail's database index (the fallback) has them too.
    with django_capture_on_commit_callbacks(execute=True):
        made = [
            make_tip(index, f"Astuce vélo numéro {n}", domain="transport")
            for n in range(12)
        ]
        made.append(make_tip(index, "Mousseur de robinet", domain="water"))
    indexing.rebuild()
    return made


def test_the_page_lists_highlighted_results_with_facet_links(client, tips):
    response = client.get("/search/", {"q": "velo"})
    assert response.status_code == 200
    text = response.text
    assert "12 résultats pour « velo »" in text
    assert text.count("<mark>vélo</mark>") >= 10
    assert 'href="?q=velo&amp;kind=tip"' in text
    assert 'href="?q=velo&amp;domain=transport"' in text
    assert 'rel="next" href="?q=velo&amp;page=2"' in text
    assert '<label for="search-q">' in text and 'role="search"' in text
    assert "moins précis" not in text


def test_second_page_and_facet_filter(client, tips):
    second = client.get("/search/", {"q": "velo", "page": "2"})
    assert second.text.count("<h2><a href") == 2
    assert 'start="11"' in second.text
    filtered = client.get("/search/", {"q": "velo", "domain": "water"})
    assert "0 résultat" in filtered.text and "numéro" not in filtered.text
    water = client.get("/search/", {"q": "robinet", "domain": "water"})
    assert "Mousseur de" in water.text and 'aria-current="true"' in water.text


def test_odd_queries_answer_normally(client, tips):
    answers = {}
    for query in ODD_QUERIES:
        page = client.get("/search/", {"q": query, "page": "x"})
        suggest = client.get("/search/suggest", {"q": query})
        answers[query] = (
            page.status_code,
            "moins précis" in page.text,  # a failed Elasticsearch query
            suggest.status_code,
            suggest.json()["precise"],
        )
    assert answers == dict.fromkeys(ODD_QUERIES, (200, False, 200, True))
    # Quotes, brackets and emoji are text: the words around them still match.
    assert "12 résultats" in client.get("/search/", {"q": "🚲 ((vélo]"}).text


def test_a_nul_in_the_query_is_refused_clearly(client, tips):
    # config/badinput.py: no text column holds a NUL; the answer says why.
    page = client.get("/search/", {"q": "\x00vélo"})
    assert page.status_code == 400 and "caractère invalide" in page.text
    suggest = client.get("/search/suggest", {"q": "\x00vélo"})
    assert suggest.status_code == 400
    assert suggest.json()["error"]["code"] == "bad_request"


def test_a_long_query_is_cut_and_says_so(client, tips):
    page = client.get("/search/", {"q": "vélo " * 100})
    assert "raccourcie à 200 caractères" in page.text


def test_suggestions_complete_words_being_typed(client, tips):
    body = client.get("/search/suggest", {"q": "mouss"}).json()
    assert body["precise"] is True
    assert [s["title"] for s in body["suggestions"]] == ["Mousseur de robinet"]
    assert body["suggestions"][0]["url"].startswith("/astuces/")
    assert len(client.get("/search/suggest", {"q": "vel"}).json()["suggestions"]) == 8
    assert client.get("/search/suggest", {"q": "v"}).json()["suggestions"] == []


def test_elasticsearch_down_falls_back_to_the_database(client, tips):
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}"):
        page = client.get("/search/", {"q": "robinet"})
        suggest = client.get("/search/suggest", {"q": "robinet"}).json()
        health = client.get("/healthz").json()
    assert page.status_code == 200
    # The database answers; a resident is not told which engine did.
    assert "Mousseur de robinet" in page.text
    assert "moins précis" not in page.text and "Elasticsearch" not in page.text
    assert suggest["precise"] is False
    assert [s["title"] for s in suggest["suggestions"]] == ["Mousseur de robinet"]
    assert health["search"] == "down"


def test_odd_queries_answer_normally_from_the_fallback_too(client, tips):
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}"):
        statuses = {
            query: (
                client.get("/search/", {"q": query}).status_code,
                client.get("/search/suggest", {"q": query}).status_code,
            )
            for query in ODD_QUERIES
        }
    assert statuses == dict.fromkeys(ODD_QUERIES, (200, 200))


def test_neighbourhood_facet(client, town, django_capture_on_commit_callbacks):
    from tests.factories import NeighbourhoodFactory

    with django_capture_on_commit_callbacks(execute=True):
        saules = NeighbourhoodFactory(town=town, name="Les Saules", slug="saules")
        NeighbourhoodFactory(town=town, name="Saules du Bas", slug="saules-bas")
    from search import backend

    backend.refresh()
    page = client.get("/search/", {"q": "saules"})
    assert "2 résultats" in page.text
    assert f'href="?q=saules&amp;neighbourhood={saules.pk}"' in page.text
    assert 'href="?q=saules&amp;kind=neighbourhood"' in page.text
    one = client.get("/search/", {"q": "saules", "neighbourhood": str(saules.pk)})
    assert "1 résultat" in one.text and "Saules du Bas" in one.text  # still offered
    assert one.text.count("<h2><a href") == 1


def test_without_elasticsearch_configured_the_database_answers(client, tips):
    with override_settings(ELASTICSEARCH_URL=""):
        page = client.get("/search/", {"q": "robinet"})
        health = client.get("/healthz").json()
    assert "Mousseur de robinet" in page.text and "1 résultat" in page.text
    assert "moins précis" not in page.text and "Elasticsearch" not in page.text
    assert health["search"] == "embedded"


def test_healthz_reports_elasticsearch_ok(client, db):
    assert client.get("/healthz").json()["search"] == "ok"


def test_titles_and_excerpts_are_escaped(client, town):
    index = make_tip_index(town)
    make_tip(
        index,
        "<script>alert(1)</script> vélo",
        summary='Le vélo <img src=x onerror="alert(2)"> partout.',
    )
    make_tip(index, "Sans vélo", summary="Marcher <b>aussi</b>.")
    indexing.rebuild()
    for query in ("vélo", "alert"):
        text = client.get("/search/", {"q": query}).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "<b>aussi" not in text
    text = client.get("/search/", {"q": "vélo"}).text
    assert "&lt;script&gt;" in text and "<mark>vélo</mark>" in text
    suggest = client.get("/search/suggest", {"q": "vél"}).json()["suggestions"]
    # JSON carries the raw title; the page that shows it escapes it.
    assert "<script>alert(1)</script> vélo" in {s["title"] for s in suggest}


ODD_PARAMETERS = [
    {"page": "²"},
    {"page": "٣"},
    {"page": "-1"},
    {"page": "99999"},
    {"neighbourhood": "²"},
    {"neighbourhood": "9" * 30},
    {"neighbourhood": "-3"},
    {"domain": "🚲"},
    {"kind": "'; DROP"},
    {"q": ["vélo", "robinet"]},
]


def test_odd_page_and_facet_parameters_answer_normally(client, tips):
    """Unicode digits, numbers past an integer, unknown facets: a normal page from
    Elasticsearch, never a server error nor a silent fall back to the database."""
    for params in ODD_PARAMETERS:
        page = client.get("/search/", {"q": "velo", **params})
        assert page.status_code == 200, params
        assert "moins précis" not in page.text, params
        suggest = client.get("/search/suggest", {"q": "velo", **params})
        assert suggest.status_code == 200, params
    # A value that cannot name a neighbourhood is ignored, as an unknown kind is.
    unknown = client.get("/search/", {"q": "velo", "neighbourhood": "9" * 30})
    assert "12 résultats" in unknown.text
    assert "12 résultats" in client.get("/search/", {"q": "velo", "page": "²"}).text
    # A well-formed id no document has: no result.
    none = client.get("/search/", {"q": "velo", "neighbourhood": "999999999"})
    assert "0 résultat" in none.text
