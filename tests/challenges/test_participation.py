"""Joining, leaving, pages and permission refusals."""

import pytest
from django.core.exceptions import PermissionDenied

from challenges import actions, queries
from challenges.models import Participation, Scope
from tests.challenges.conftest import make_challenge
from tests.factories import NeighbourhoodFactory, make_member, make_town

pytestmark = pytest.mark.django_db


def test_a_member_joins_and_leaves_for_their_household(client, member, challenge):
    client.force_login(member.user)
    answer = client.post(challenge.url + "participer/")
    assert answer.status_code == 302
    participation = Participation.objects.get(challenge=challenge)
    assert participation.household_id == member.household_id
    assert participation.joined_by == member

    page = client.get(challenge.url)
    assert "Quitter le défi" in page.content.decode()

    client.post(challenge.url + "quitter/")
    participation.refresh_from_db()
    assert participation.left_at is not None
    assert queries.participation_of(member.household_id, challenge) is None

    # Joining again reopens the same row.
    client.post(challenge.url + "participer/")
    participation.refresh_from_db()
    assert participation.left_at is None
    assert Participation.objects.filter(challenge=challenge).count() == 1


def test_joining_twice_changes_nothing(member, challenge):
    first = actions.check_join(member, challenge)
    second = actions.check_join(member, challenge)
    assert first.pk == second.pk
    assert Participation.objects.count() == 1


def test_a_second_member_of_the_household_sees_it_joined(
    client, town, member, challenge
):
    actions.check_join(member, challenge)
    partner = make_member(town, household=member.household)
    client.force_login(partner.user)
    body = client.get(challenge.url).content.decode()
    assert "Votre foyer participe" in body


def test_a_neighbourhood_challenge_refuses_other_neighbourhoods(
    town, challenge_index, action_type, member
):
    elsewhere = NeighbourhoodFactory(town=town)
    challenge = make_challenge(
        challenge_index,
        [action_type],
        scope=Scope.NEIGHBOURHOOD,
        neighbourhood=elsewhere,
    )
    with pytest.raises(PermissionDenied):
        actions.check_join(member, challenge)
    assert not Participation.objects.exists()


def test_an_ended_challenge_cannot_be_joined(challenge_index, action_type, member):
    challenge = make_challenge(
        challenge_index, [action_type], start_in_days=-30, length_days=5
    )
    with pytest.raises(PermissionDenied):
        actions.check_join(member, challenge)


def test_anonymous_join_goes_to_login(client, challenge):
    answer = client.post(challenge.url + "participer/")
    assert answer.status_code == 302
    assert "/compte/connexion/" in answer["Location"]
    assert not Participation.objects.exists()


def test_join_is_post_only(client, member, challenge):
    client.force_login(member.user)
    assert client.get(challenge.url + "participer/").status_code == 405
    assert not Participation.objects.exists()


def test_a_member_of_another_town_gets_404(client, challenge):
    other_town = make_town("Autreville", hostname="autreville.test")
    stranger = make_member(
        other_town, neighbourhood=NeighbourhoodFactory(town=other_town)
    )
    client.force_login(stranger.user)
    # The challenge is served by the default site; the stranger's member is elsewhere.
    assert client.post(challenge.url + "participer/").status_code == 404
    assert client.get(challenge.url + "classement/").status_code == 404
    assert not Participation.objects.exists()


def test_the_index_lists_challenges_under_defis(client, challenge):
    assert challenge.url.startswith("/defis/")
    body = client.get("/defis/").content.decode()
    assert challenge.title in body
