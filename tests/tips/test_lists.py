"""Tip lists by domain and sort, paginated, in a bounded number of queries."""

import pytest

from tests.factories import make_member
from tests.tips.helpers import make_tip
from tips import actions
from tips.models import TIPS_PER_PAGE


def titles(response) -> list[str]:
    return [tip.title for tip in response.context["tips"]]


@pytest.fixture
def ranked(tip_index, resident, neighbourhood):
    """Three tips: "Ancienne" most useful, "Moyenne" most done, "Récente" newest."""
    town = tip_index.get_parent().specific
    old = make_tip(tip_index, "Ancienne", domain="water")
    middle = make_tip(tip_index, "Moyenne", domain="energy")
    new = make_tip(tip_index, "Récente", domain="water")
    others = [make_member(town, neighbourhood=neighbourhood) for _ in range(2)]
    for member in [resident, *others]:
        actions.do_toggle_useful_vote(member, old)
        actions.check_mark_done(member, middle)
    actions.check_mark_done(resident, old)
    return old, middle, new


def test_sorts(client, tip_index, ranked):
    assert titles(client.get(tip_index.url)) == ["Ancienne", "Moyenne", "Récente"]
    assert titles(client.get(tip_index.url, {"tri": "faites"}))[:2] == [
        "Moyenne",
        "Ancienne",
    ]
    assert titles(client.get(tip_index.url, {"tri": "recentes"})) == [
        "Récente",
        "Moyenne",
        "Ancienne",
    ]
    # Unknown values fall back to the default, never an error.
    assert client.get(tip_index.url, {"tri": "x", "domaine": "y"}).status_code == 200


def test_by_domain(client, tip_index, ranked):
    assert titles(client.get(tip_index.url, {"domaine": "water"})) == [
        "Ancienne",
        "Récente",
    ]
    page = client.get(tip_index.url, {"domaine": "energy"})
    assert titles(page) == ["Moyenne"]
    assert '<a href="?domaine=energy&amp;tri=utiles" aria-current="page">' in page.text


def test_only_live_public_tips_are_listed(client, tip_index):
    make_tip(tip_index, "Publiée")
    make_tip(tip_index, "Brouillon", publish=False)
    assert titles(client.get(tip_index.url)) == ["Publiée"]


def test_pagination(client, tip_index):
    for n in range(TIPS_PER_PAGE + 3):
        make_tip(tip_index, f"Astuce {n:02d}")
    first = client.get(tip_index.url, {"tri": "recentes"})
    second = client.get(tip_index.url, {"tri": "recentes", "page": "2"})
    assert len(titles(first)) == TIPS_PER_PAGE and len(titles(second)) == 3
    assert 'rel="next" href="?tri=recentes&amp;page=2"' in first.text
    assert client.get(tip_index.url, {"page": "999"}).status_code == 200


def count_queries(client, url, user, django_assert_max_num_queries, limit):
    client.force_login(user)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_a_list_runs_the_same_queries_whatever_its_length(
    client, tip_index, resident, django_assert_max_num_queries
):
    make_tip(tip_index, "Seule")
    few = count_queries(
        client, tip_index.url, resident.user, django_assert_max_num_queries, 20
    )
    for n in range(TIPS_PER_PAGE + 5):
        tip = make_tip(tip_index, f"Astuce {n}", author=resident)
        actions.check_mark_done(resident, tip)
    many = count_queries(
        client, tip_index.url, resident.user, django_assert_max_num_queries, 20
    )
    assert many == few
