"""Comments on a tip: indexed as comments (members only), linked to the tip page,
and gone with their tip or their discussion."""

import itertools

import pytest

from community import roles
from feeds import actions as feeds_actions
from search import backend, queries
from tests.factories import make_member, make_staff
from tests.search.test_more_kinds import documents, found
from tests.tips.helpers import make_tip, make_tip_index
from tips import actions

_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "COMMENT_RATE": (10_000, 600)}


@pytest.fixture
def tip(town, member):
    index = make_tip_index(town)
    return make_tip(index, "Récupérer l'eau de pluie", domain="water", author=member)


def comment_on(member, tip, body: str, **kwargs):
    return actions.check_comment_tip(
        member, tip, body=body, client_key=f"s-{next(_keys)}", **kwargs
    )


def test_a_tip_comment_is_found_by_members_and_leads_to_the_tip(
    town, member, neighbourhood, tip, django_capture_on_commit_callbacks
):
    other = make_member(town, neighbourhood=neighbourhood, display_name="Zoé")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_on(other, tip, "Notre récupérateur déborde en automne")
    assert found(town, "recuperateur", member) == {
        ("comment", "Notre récupérateur déborde en automne")
    }
    assert found(town, "recuperateur") == set()  # visitors: tips only
    (document,) = [d for d in documents() if d["kind"] == "comment"]
    assert document["url"] == f"{tip.url}#comment-{comment.pk}"
    assert document["domain"] == "water"
    assert sorted(document["author_ids"]) == sorted([other.pk, member.pk])
    # The discussion post is no document of its own: the tip is.
    assert [d["kind"] for d in documents()].count("post") == 0
    results = queries.search_content(town, "recuperateur", viewer=member)
    assert [v.value for v in results.facets["domain"]] == ["water"]


def test_unpublishing_the_tip_takes_its_comments_out(
    town, member, tip, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment_on(member, tip, "Une cuve de mille litres suffit")
    assert found(town, "cuve", member) == {
        ("comment", "Une cuve de mille litres suffit")
    }
    with django_capture_on_commit_callbacks(execute=True):
        tip.unpublish()
    assert found(town, "cuve", member) == set()
    assert all(d["kind"] != "comment" for d in documents())
    # Published again, the tip brings its comments back.
    with django_capture_on_commit_callbacks(execute=True):
        tip.get_latest_revision().publish()
    assert found(town, "cuve", member) == {
        ("comment", "Une cuve de mille litres suffit")
    }


def test_a_hidden_discussion_and_a_deleted_comment_leave(
    town, member, tip, django_capture_on_commit_callbacks
):
    moderator = make_staff(town, roles.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        kept = comment_on(member, tip, "Gouttière branchée en une heure")
        gone = comment_on(member, tip, "Gouttière percée, attention")
    assert len(found(town, "gouttiere", member)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        feeds_actions.do_delete_comment(member, gone)
    assert found(town, "gouttiere", member) == {
        ("comment", "Gouttière branchée en une heure")
    }
    with django_capture_on_commit_callbacks(execute=True):
        feeds_actions.do_hide_post(moderator, kept.post)
    assert found(town, "gouttiere", member) == set()
    backend.refresh()
    assert all(d["kind"] != "comment" for d in documents())


def test_a_rebuild_indexes_tip_comments_like_the_signals(
    town, member, tip, django_capture_on_commit_callbacks
):
    from search import indexing

    comment = comment_on(member, tip, "Arrosage du potager tout l'été")
    indexing.rebuild()
    (document,) = [d for d in documents() if d["kind"] == "comment"]
    assert document["pk"] == comment.pk
    assert document["url"].startswith(tip.url)
