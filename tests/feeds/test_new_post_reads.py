"""`feeds.queries.new_post.read_before_post` (one written-out query) against the
ORM's answers it replaces: the client key's post, the author's référent role
and a neighbourhood of the author's town."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Neighbourhood, Referent
from feeds.models import Post
from feeds.queries.new_post import read_before_post
from tests.factories import NeighbourhoodFactory
from tests.feeds.conftest import post_as

pytestmark = pytest.mark.django_db


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _orm(member, key, neighbourhood_id):
    existing = Post.objects.filter(author=member, client_key=key).first()
    referent = Referent.objects.filter(member=member).first()
    neighbourhood = Neighbourhood.objects.filter(
        pk=neighbourhood_id, town_id=member.town_id
    ).first()
    return (
        existing.pk if existing else None,
        _values(referent) if referent else None,
        _values(neighbourhood) if neighbourhood else None,
    )


def _read(member, key, neighbourhood_id):
    with CaptureQueriesContext(connection) as capture:
        before = read_before_post(member, key, neighbourhood_id)
    assert len(capture) == 1
    return (
        before.existing_id,
        _values(before.referent) if before.referent else None,
        _values(before.neighbourhood) if before.neighbourhood else None,
    )


@pytest.mark.parametrize("role", [None, "active", "inactive"])
def test_the_one_query_answers_as_the_orm_in_every_case(
    member, neighbourhood, stranger, role
):
    if role is not None:
        Referent.objects.create(
            town=member.town,
            member=member,
            title="Plombier",
            domains=["energy", "water"],
            active=role == "active",
        )
    own = neighbourhood.pk
    other = NeighbourhoodFactory(town=member.town).pk
    foreign = stranger.household.neighbourhood_id
    post_as(member, "Déjà là", client_key="cle-deja")
    for key in ("cle-deja", "cle-neuve"):
        for neighbourhood_id in (own, other, foreign, None, 987654321):
            answer = _read(member, key, neighbourhood_id)
            assert answer == _orm(member, key, neighbourhood_id), key
    assert _read(member, "cle-deja", None)[0] is not None
    assert _read(member, "cle-neuve", own)[2]["slug"] == neighbourhood.slug


def test_the_referent_read_is_the_badge_the_card_shows(member):
    Referent.objects.create(
        town=member.town, member=member, title="Conseillère énergie", domains=["energy"]
    )
    referent = read_before_post(member, "k", None).referent
    assert referent.member is member  # no query: as select_related leaves it
    assert referent.domain_labels() == Referent.objects.get().domain_labels()


def test_the_read_gives_each_new_post_an_id_of_its_own(member):
    """PostgreSQL's sequence of post ids, read with the rest (the card of a new
    post names its id before the post is written)."""
    first = read_before_post(member, "cle-a", None).next_id
    second = read_before_post(member, "cle-a", None).next_id
    assert first is not None and second > first
    post = post_as(member, "Après les deux", client_key="cle-a")
    assert post.pk > second
    assert Post.objects.get(client_key="cle-a").pk == post.pk
