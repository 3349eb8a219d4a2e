"""The index follows the database after commit: publish, edit, unpublish, delete."""

import html
import threading
import time

from search import backend, indexing, queries
from tests.factories import NeighbourhoodFactory
from tests.tips.helpers import make_tip, make_tip_index


def titles(town, query: str) -> list[str]:
    backend.refresh()
    results = queries.search_content(town, query)
    assert results.precise, results.notices
    return [
        html.unescape(str(hit.title).replace("<mark>", "").replace("</mark>", ""))
        for hit in results.hits
    ]


def test_publish_edit_unpublish_delete(town, django_capture_on_commit_callbacks):
    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        tip = make_tip(index, "Récupérer l'eau de pluie")
    assert titles(town, "pluie") == ["Récupérer l'eau de pluie"]

    # A saved draft changes nothing until it is published.
    with django_capture_on_commit_callbacks(execute=True):
        tip.title = "Arroser avec une citerne"
        tip.save_revision()
    assert titles(town, "citerne") == []
    with django_capture_on_commit_callbacks(execute=True):
        tip.get_latest_revision().publish()
    assert titles(town, "citerne") == ["Arroser avec une citerne"]
    assert titles(town, "pluie") == []

    with django_capture_on_commit_callbacks(execute=True):
        tip.refresh_from_db()
        tip.unpublish()
    assert titles(town, "citerne") == []

    with django_capture_on_commit_callbacks(execute=True):
        tip.refresh_from_db()
        tip.get_latest_revision().publish()
    assert titles(town, "citerne") == ["Arroser avec une citerne"]

    with django_capture_on_commit_callbacks(execute=True):
        tip.delete()
    assert titles(town, "citerne") == []


def test_deleting_the_index_page_removes_every_tip_below(
    town, django_capture_on_commit_callbacks
):
    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        make_tip(index, "Éteindre les veilles")
        make_tip(index, "Débrancher les chargeurs en veille")
    assert len(titles(town, "veille")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        index.delete()
    assert titles(town, "veille") == []


def test_nothing_reaches_the_index_before_commit(
    town, django_capture_on_commit_callbacks
):
    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_tip(index, "Isoler les combles")
    assert titles(town, "combles") == []
    assert callbacks, "publishing schedules an index update after commit"
    for callback in callbacks:
        callback()
    assert titles(town, "combles") == ["Isoler les combles"]


def test_neighbourhoods_follow_edits(town, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place = NeighbourhoodFactory(town=town, name="Les Peupliers", slug="peupliers")
    assert titles(town, "peupliers") == ["Les Peupliers"]
    with django_capture_on_commit_callbacks(execute=True):
        place.name = "Les Trembles"
        place.save(update_fields=["name"])
    assert titles(town, "peupliers") == []
    assert titles(town, "trembles") == ["Les Trembles"]
    with django_capture_on_commit_callbacks(execute=True):
        place.delete()
    assert titles(town, "trembles") == []


def test_rebuild_swaps_the_alias_while_search_keeps_answering(town):
    index = make_tip_index(town)
    make_tip(index, "Couvrir les casseroles")
    indexing.rebuild()
    old = backend.indices_behind_alias()
    # A tip that only the next build will see.
    make_tip(index, "Cuire avec un couvercle sur les casseroles")

    answers: list[int] = []
    errors: list[Exception] = []
    stop = threading.Event()

    def keep_searching() -> None:
        while not stop.is_set():
            try:
                answers.append(queries.search_content(town, "casseroles").total)
            except Exception as error:  # reported by the assertions below
                errors.append(error)
            time.sleep(0.01)

    seen_between: dict = {}

    def between(new_index: str) -> None:
        # The new index is complete, the alias still serves the old one.
        seen_between["alias"] = backend.indices_behind_alias()
        seen_between["new"] = new_index
        seen_between["total"] = queries.search_content(town, "casseroles").total

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        time.sleep(0.1)
        name, count = indexing.rebuild(before_swap=between)
        time.sleep(0.1)
    finally:
        stop.set()
        searcher.join(timeout=10)

    assert errors == []
    assert seen_between == {"alias": old, "new": name, "total": 1}
    assert backend.indices_behind_alias() == [name] != old
    assert not backend.client().indices.exists(index=old[0])
    assert count == 2
    # Every search during the rebuild answered, from the old index then the new.
    assert answers and set(answers) <= {1, 2}
    assert answers[0] == 1
    assert queries.search_content(town, "casseroles").total == 2


def test_search_index_command_rebuilds(town, capsys):
    from django.core.management import call_command

    make_tip(make_tip_index(town), "Laver à froid")
    call_command("search_index", "--rebuild")
    assert "1 documents" in capsys.readouterr().out
    assert titles(town, "froid") == ["Laver à froid"]


def test_a_new_slug_of_the_index_moves_the_urls_in_the_index(
    town, django_capture_on_commit_callbacks
):
    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        tip = make_tip(index, "Réparer plutôt que jeter")
    backend.refresh()
    assert (
        queries.search_content(town, "réparer").hits[0].url == f"/astuces/{tip.slug}/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        index.slug = "trucs-et-astuces"
        index.save_revision().publish()
    backend.refresh()
    hit = queries.search_content(town, "réparer").hits[0]
    assert hit.url == f"/trucs-et-astuces/{tip.slug}/"
