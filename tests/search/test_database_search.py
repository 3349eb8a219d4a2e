"""Search without Elasticsearch (`make run`): the database's own index, through
the page and the suggestions, as residents use them.

Every test here runs on the database of the run: PostgreSQL (`french_unaccent`,
`english_unaccent`) in `make test`, and SQLite (FTS5 over folded Snowball stems)
through `test_the_same_tests_pass_on_sqlite`, which runs this module again on
SQLite in a process of its own.
"""

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from community import roles
from feeds import actions
from search.database import PG_TITLE_WORDS, PG_VECTOR
from tests.challenges.conftest import make_action_type, make_challenge_index
from tests.factories import make_member, make_staff, make_town
from tests.search.test_pages import closed_port
from tests.tips.helpers import make_tip, make_tip_index

_keys = itertools.count(1)

NASTY_QUERIES = [
    '"[*:',
    '"',
    "'",
    '""',
    "*",
    "vélo*",
    "vélo:*",
    "title:vélo",
    "title_terms : eau",
    "{title_words} : vel",
    "((vélo]",
    "vélo)",
    "[eau]",
    "{eau}",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "eau AND",
    "NOT eau",
    "NEAR(eau vélo)",
    "eau NEAR/2 vélo",
    "^eau",
    "-eau",
    "+eau",
    "eau & vélo | !douche",
    "eau <-> vélo",
    "eau:A",
    "' OR 1=1 --",
    "'); DROP TABLE search_searchentry; --",
    "%",
    "_",
    "\\",
    "\\x00",
    "a" * 1000,
    "é" * 1000,
    "eau " * 250,
    "🚲",
    "🚲 vélo 🌱",
    "💧💧💧",
    "\u200b",
    "vélo\x1f\x7f",
    "l'",
    "d'",
    "le la les",
    "the",
    "٣²",
    "ǅ ǈ ﬁ",
]


@pytest.fixture(scope="session")
def real_services() -> None:
    """The suite's own check (tests/conftest.py), SQLite allowed: this module
    is the one that also runs on SQLite, the database of `make run`."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine and "sqlite" not in engine:
        pytest.exit(f"PostgreSQL or SQLite expected, not {engine}.", returncode=3)
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()


@pytest.fixture(autouse=True)
def without_elasticsearch(settings) -> None:
    """`make run`: no Elasticsearch; the database's index answers."""
    settings.ELASTICSEARCH_URL = ""
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "POST_RATE": (10_000, 600),
        "SEARCH_RATE": (10_000, 60),
        "SUGGEST_RATE": (10_000, 60),
    }


@pytest.fixture
def content(town, django_capture_on_commit_callbacks):
    """Tips and a challenge, written through commit (the index follows it)."""
    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        made = {
            "douche": make_tip(
                index,
                "Des douches de cinq minutes",
                summary="L'eau chaude économisée paie le sablier.",
                domain="water",
            ),
            "robinet": make_tip(
                index,
                "Économisez au robinet",
                summary="Un mousseur réduit le débit d'eau du robinet.",
                text="Fermer le robinet pendant le brossage des dents.",
                domain="water",
            ),
            "factures": make_tip(
                index,
                "Des économies sur la facture d'eau",
                summary="Relever son compteur chaque mois.",
                domain="water",
            ),
            "chauffage": make_tip(
                index,
                "Le chauffage à 19 °C",
                summary="Chaque degré en moins fait 7 % d'économie.",
            ),
            "garden": make_tip(
                index,
                "Watering the garden at dusk",
                summary="Rainwater for the vegetable patch.",
                domain="water",
            ),
            "velo": make_tip(
                index,
                "Le vélo pour les courses",
                summary="Deux sacoches suffisent.",
                domain="transport",
            ),
            "compost": make_tip(
                index, "Un composteur partagé", summary="Au pied de l'immeuble."
            ),
        }
        made["defi"] = make_challenge_index_and_challenge(town)
    return made


def make_challenge_index_and_challenge(town):
    from tests.search.test_more_kinds import make_challenge

    return make_challenge(
        make_challenge_index(town),
        [make_action_type()],
        title="Le mois du vélo",
        summary="Cent trajets à vélo dans le quartier.",
    )


def titles(response) -> set[str]:
    """The titles of the results listed on a search page."""
    import re

    return {
        title.replace("&#x27;", "'")
        for title in re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', response.text)
    }


def search(client, query: str, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200, query
    return response


WATER_SAVING = {
    "Des douches de cinq minutes",
    "Économisez au robinet",
    "Des économies sur la facture d'eau",
}


def test_french_words_match_by_stem_and_without_accents(client, content):
    # « économiser » : "économisez" (stem), "économies" and "économie"
    # (synonyms, as in Elasticsearch), "économisée" (folded participle).
    both = titles(search(client, "économiser l'eau"))
    assert both == WATER_SAVING
    alone = titles(search(client, "économiser"))
    assert alone == WATER_SAVING | {"Le chauffage à 19 °C"}
    assert titles(search(client, "economiser")) == alone
    assert titles(search(client, "ÉCONOMISER L’EAU")) == both
    assert titles(search(client, "economies d'eau")) == both
    # Every word must match: the composteur has no water.
    assert titles(search(client, "composteur eau")) == set()
    assert titles(search(client, "composteurs")) == {"Un composteur partagé"}
    page = search(client, "economiser l'eau")
    assert "3 résultats pour « economiser l&#x27;eau »" in page.text
    assert 'href="?q=economiser+l%27eau&amp;domain=water"' in page.text


def test_plural_and_singular_match(client, content):
    assert titles(search(client, "vélos")) == {
        "Le vélo pour les courses",
        "Le mois du vélo",
    }
    assert titles(search(client, "robinets")) == {"Économisez au robinet"}


def test_english_stems_apply_when_english_is_active(client, content):
    # French: "water" is no French word, and nothing says "water" as such.
    assert titles(search(client, "water")) == set()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = search(client, "water")
    assert english["Content-Language"] == "en"
    assert titles(english) == {"Watering the garden at dusk"}
    assert titles(search(client, "gardens")) == {"Watering the garden at dusk"}
    # French stems still apply to French content in English.
    assert titles(search(client, "économiser l'eau")) == WATER_SAVING


def test_suggestions_complete_folded_prefixes(client, content):
    for typed in ("vel", "vél", "VEL", "Vélo"):
        body = client.get("/search/suggest", {"q": typed}).json()
        assert body["precise"] is False, typed
        assert [s["title"] for s in body["suggestions"]] == [
            "Le mois du vélo",
            "Le vélo pour les courses",
        ], typed
    first = client.get("/search/suggest", {"q": "vel"}).json()["suggestions"][0]
    assert first == {
        "title": "Le mois du vélo",
        "url": content["defi"].url,
        "kind": "challenge",
    }
    body = client.get("/search/suggest", {"q": "eco rob"}).json()
    assert [s["title"] for s in body["suggestions"]] == ["Économisez au robinet"]
    assert client.get("/search/suggest", {"q": "v"}).json()["suggestions"] == []
    assert client.get("/search/suggest", {"q": "zzz"}).json()["suggestions"] == []


def test_residents_see_no_technical_notice(client, town, neighbourhood, content):
    """Neither with no Elasticsearch (`make run`) nor with one that is down;
    the team, who can fix it, is told when it is down."""
    resident = make_member(town, neighbourhood=neighbourhood)
    moderator = make_staff(town, roles.MODERATOR)
    down = f"http://127.0.0.1:{closed_port()}"
    for url in ("", down):
        with override_settings(ELASTICSEARCH_URL=url):
            for user in (None, resident.user, moderator):
                client.logout()
                if user is not None:
                    client.force_login(user)
                page = search(client, "vélo")
                assert titles(page) == {"Le vélo pour les courses", "Le mois du vélo"}
                for word in ("avancée", "moins précis", "Elasticsearch"):
                    if word in page.text:
                        assert (user, url, word) == (moderator, down, word)
                told = "Elasticsearch ne répond pas" in page.text
                assert told == (user == moderator and url == down)


@pytest.mark.parametrize(
    "elasticsearch", ["", "down"], ids=["without-elasticsearch", "elasticsearch-down"]
)
def test_nasty_queries_answer_normally(client, content, elasticsearch):
    url = f"http://127.0.0.1:{closed_port()}" if elasticsearch else ""
    answers = {}
    with override_settings(ELASTICSEARCH_URL=url):
        for query in NASTY_QUERIES:
            page = client.get("/search/", {"q": query})
            suggest = client.get("/search/suggest", {"q": query})
            answers[query] = (page.status_code, suggest.status_code)
        # The words around the syntax still match.
        assert titles(search(client, '"[vélo]*:')) == {
            "Le vélo pour les courses",
            "Le mois du vélo",
        }
        # A NUL is refused before any view (config/badinput.py), clearly.
        nul = client.get("/search/", {"q": "\x00vélo"})
        assert nul.status_code == 400 and "caractère invalide" in nul.text
    assert answers == dict.fromkeys(NASTY_QUERIES, (200, 200))


def test_nasty_queries_reach_the_database_as_parameters(town, content):
    """Below the page (which would hide an error behind an empty list): the
    database answers every query itself, and no text changes the index."""
    from search import database
    from search.audience import Audience

    before = database.SearchEntry.objects.count()
    for query in NASTY_QUERIES:
        for languages in (["fr"], ["fr", "en"]):
            database.search(town.pk, query, Audience(), languages=languages)
        database.suggest(town.pk, query, Audience(), 8)
    assert database.SearchEntry.objects.count() == before == len(content)


def test_members_only_posts_and_blocked_authors(
    client, town, member, neighbourhood, content, django_capture_on_commit_callbacks
):
    author = make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.check_create_post(
            author, body="Qui veut économiser l'eau de pluie ?", client_key="cle-1"
        )
    detail = reverse("feeds:post", args=[post.pk])
    assert f'href="{detail}"' not in search(client, "économiser l'eau").text
    client.force_login(member.user)
    page = search(client, "économiser l'eau")
    assert f'href="{detail}"' in page.text and "4 résultats" in page.text
    suggest = client.get("/search/suggest", {"q": "qui veut"}).json()
    assert [s["kind"] for s in suggest["suggestions"]] == ["post"]
    actions.do_block(member, author)
    assert f'href="{detail}"' not in search(client, "économiser l'eau").text
    assert client.get("/search/suggest", {"q": "qui veut"}).json()["suggestions"] == []


def test_each_town_finds_its_own(client, content, django_capture_on_commit_callbacks):
    other = make_town("Autre-Ville", hostname="autre.example")
    with django_capture_on_commit_callbacks(execute=True):
        make_tip(make_tip_index(other), "Un vélo d'ailleurs")
    with override_settings(ALLOWED_HOSTS=["testserver", "autre.example"]):
        here = search(client, "vélo")
        there = client.get("/search/", {"q": "vélo"}, HTTP_HOST="autre.example")
        suggest = client.get("/search/suggest", {"q": "vel"}, HTTP_HOST="autre.example")
    assert titles(here) == {"Le vélo pour les courses", "Le mois du vélo"}
    assert titles(there) == {"Un vélo d'ailleurs"}
    assert [s["title"] for s in suggest.json()["suggestions"]] == ["Un vélo d'ailleurs"]


def test_an_unpublished_tip_leaves_the_index(
    client, content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        content["velo"].unpublish()
    assert titles(search(client, "vélo")) == {"Le mois du vélo"}
    with django_capture_on_commit_callbacks(execute=True):
        content["velo"].save_revision().publish()
    assert "Le vélo pour les courses" in titles(search(client, "vélo"))


def test_search_index_rebuild_fills_the_database_index(client, content):
    from django.core.management import call_command

    from search.models import SearchEntry

    SearchEntry.objects.all().delete()
    assert titles(search(client, "vélo")) == set()
    call_command("search_index", "--rebuild")
    assert SearchEntry.objects.count() == len(content)
    assert titles(search(client, "vélo")) == {
        "Le vélo pour les courses",
        "Le mois du vélo",
    }


@pytest.mark.postgresql_only  # PostgreSQL's own indexes
def test_postgresql_uses_the_full_text_indexes(content):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM search_searchentry WHERE {PG_VECTOR}"  # noqa: S608
            " @@ plainto_tsquery('french_unaccent', 'eau')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_entry_vector" in plan, plan
        cursor.execute(
            f"EXPLAIN SELECT id FROM search_searchentry WHERE {PG_TITLE_WORDS}"  # noqa: S608
            " @@ to_tsquery('simple', 'vel:*')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_entry_title_words" in plan, plan


@pytest.mark.postgresql_only  # the run on SQLite is this one
def test_the_same_tests_pass_on_sqlite(tmp_path):
    """`make run` uses SQLite: this module again, on a SQLite database, with
    tests/test_make_run.py (the demo town loads there)."""
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}",
        "SEARCH_INDEX_PREFIX": f"{settings.SEARCH_INDEX_PREFIX}-sqlite",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(  # noqa: S603 - our own test module, fixed arguments
        [
            *(sys.executable, "-m", "pytest", "-p", "no:xdist", "-q"),
            *("-m", "not postgresql_only", "-rs", __file__),
            # `make run`'s demo town on SQLite (it runs only here).
            str(root / "tests" / "test_make_run.py"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
    # Nothing skipped: the PostgreSQL-only tests are left out, not skipped.
    assert "skipped" not in done.stdout, done.stdout[-2000:]
