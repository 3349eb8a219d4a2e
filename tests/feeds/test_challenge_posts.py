"""Posts to a challenge's feed: a live challenge of the author's town only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from feeds import actions, queries
from feeds.models import PostTarget
from realtime.groups import challenge_stream, town_stream
from realtime.models import Event
from tests.challenges.conftest import (
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.feeds.conftest import key, post_as

pytestmark = pytest.mark.django_db


def test_a_post_to_a_running_challenge_reaches_its_feed_and_followers(
    town, member, neighbour, stranger
):
    challenge = make_challenge(make_challenge_index(town), [make_action_type()])
    post = post_as(
        neighbour,
        "Jour 3 sans voiture",
        target=PostTarget.CHALLENGE,
        challenge_id=challenge.pk,
    )
    assert post.challenge_id == challenge.pk
    streams = set(
        Event.objects.filter(event="post.created").values_list("stream", flat=True)
    )
    assert streams == {town_stream(town.pk), challenge_stream(challenge.pk)}
    assert [p.pk for p in queries.challenge_feed(member, challenge.pk).items] == [
        post.pk
    ]
    assert queries.my_feed(member).items == []
    actions.do_follow(member, "challenge", challenge.pk)
    assert [p.pk for p in queries.my_feed(member).items] == [post.pk]
    # A member of another town can neither post there nor follow it.
    with pytest.raises(ValidationError):
        actions.check_create_post(
            stranger,
            body="Moi aussi",
            client_key=key(),
            target=PostTarget.CHALLENGE,
            challenge_id=challenge.pk,
        )
    with pytest.raises(ValidationError):
        actions.do_follow(stranger, "challenge", challenge.pk)


def test_an_ended_challenge_takes_no_more_posts(town, member):
    ended = make_challenge(
        make_challenge_index(town),
        [make_action_type()],
        start_in_days=-30,
        length_days=10,
    )
    with pytest.raises(ValidationError):
        post_as(member, "Trop tard", target=PostTarget.CHALLENGE, challenge_id=ended.pk)
    assert not queries.challenge_feed(member, ended.pk).items


def test_the_post_form_takes_a_challenge_as_its_place(client, town, member):
    challenge = make_challenge(make_challenge_index(town), [make_action_type()])
    client.force_login(member.user)
    response = client.post(
        reverse("feeds:create"),
        {
            "body": "Mon geste du jour",
            "where": f"challenge:{challenge.pk}",
            "client_key": key(),
        },
    )
    assert response.status_code == 302
    assert queries.challenge_feed(member, challenge.pk).items[0].body == (
        "Mon geste du jour"
    )
    response = client.post(
        reverse("feeds:create"),
        {"body": "Défi inconnu", "where": "challenge:999999", "client_key": key()},
    )
    assert response.status_code == 400
    assert "Ce défi n&#x27;existe pas" in response.content.decode()
