"""Leaderboards: fair across team sizes, bounded queries, live over the websocket."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from challenges import actions
from challenges.models import TeamKind
from realtime.groups import leaderboard_stream
from realtime.queries import latest_event_id
from scoring import client as scoring
from tests.challenges.conftest import (
    log,
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.factories import NeighbourhoodFactory, make_member, make_town

TIMEOUT = 5


def _team(town, challenge, size: int):
    neighbourhood = NeighbourhoodFactory(town=town)
    members = [make_member(town, neighbourhood=neighbourhood) for _ in range(size)]
    for member in members:
        actions.check_join(member, challenge)
    return neighbourhood, members


@pytest.mark.django_db
def test_neighbourhood_teams_rank_by_points_per_household(
    town, challenge_index, action_type
):
    challenge = make_challenge(
        challenge_index, [action_type], team_kind=TeamKind.NEIGHBOURHOOD
    )
    small, small_members = _team(town, challenge, 2)
    large, large_members = _team(town, challenge, 10)
    # The small team: both households act twice (4 actions, 2 per household).
    for member in small_members:
        log(member, challenge, action_type)
        log(member, challenge, action_type)
    # The large team: 6 actions in all, more than the small team, but 0.6 each.
    for member in large_members[:6]:
        log(member, challenge, action_type)

    board = scoring.get_leaderboard(challenge.pk)
    assert board["team_kind"] == TeamKind.NEIGHBOURHOOD
    first, second = board["standings"]
    unit = action_type.points()
    assert (first["team"], first["households"], first["points"]) == (
        small.name,
        2,
        4 * unit,
    )
    assert first["points_per_household"] == 2 * unit
    assert (second["team"], second["households"], second["points"]) == (
        large.name,
        10,
        6 * unit,
    )
    assert second["points_per_household"] == 0.6 * unit
    assert second["points"] > first["points"]


@pytest.mark.django_db
def test_only_the_challenge_actions_in_its_period_and_its_participants_count(
    town, challenge_index, action_type, member
):
    challenge = make_challenge(challenge_index, [action_type])
    actions.check_join(member, challenge)
    other = make_action_type()
    # Points earned outside the challenge (another action) do not count.
    scoring.log_action(
        member.household,
        action=other.code,
        domain=other.domain,
        occurred_at=timezone.now(),
        idempotency_key="outside",
    )
    log(member, challenge, action_type)
    leaver = make_member(town, neighbourhood=member.household.neighbourhood)
    actions.check_join(leaver, challenge)
    log(leaver, challenge, action_type)
    actions.do_leave(leaver, challenge)

    board = scoring.get_leaderboard(challenge.pk)
    assert [row["team"] for row in board["standings"]] == [member.household.public_id]
    assert board["standings"][0]["points"] == action_type.points()


@pytest.mark.django_db
def test_pages_run_a_bounded_number_of_queries(
    client, town, challenge, action_type, django_assert_max_num_queries
):
    members = _team(town, challenge, 3)[1]
    for member in members:
        log(member, challenge, action_type)
    client.force_login(members[0].user)

    def count(url: str) -> int:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = {
        "index": count("/defis/"),
        "page": count(challenge.url),
        "board": count(challenge.url + "classement/"),
    }
    # Ten times the households, challenges and actions: the same query counts.
    more = _team(town, challenge, 12)[1]
    for member in more:
        log(member, challenge, action_type)
    for _ in range(10):
        make_challenge(make_challenge_index(town), [action_type])
    assert count("/defis/") <= small["index"]
    assert count(challenge.url) <= small["page"]
    assert count(challenge.url + "classement/") <= small["board"]


@pytest.mark.django_db
def test_the_ambassador_list_runs_a_bounded_number_of_queries(
    client, town, challenge, action_type, ambassador, django_assert_max_num_queries
):
    client.force_login(ambassador)
    for member in _team(town, challenge, 2)[1]:
        log(member, challenge, action_type)
    with django_assert_max_num_queries(40) as few:
        assert client.get(challenge.url + "a-confirmer/").status_code == 200
    for member in _team(town, challenge, 15)[1]:
        log(member, challenge, action_type)
    with django_assert_max_num_queries(40) as many:
        assert client.get(challenge.url + "a-confirmer/").status_code == 200
    assert len(many) <= len(few)


# --- live -------------------------------------------------------------------


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={value}".encode()


async def _connect(user) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [
        (b"host", b"testserver"),
        (b"origin", b"http://testserver"),
        (b"cookie", await database_sync_to_async(_cookie)(user)),
    ]
    socket = WebsocketCommunicator(application, "/ws/", headers=headers)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted
    return socket


async def _subscribe(socket, stream: str, since: int | None) -> dict | None:
    """Subscribe; answer the error frame if refused, None once subscribed."""
    await socket.send_json_to({"op": "subscribe", "stream": stream, "since": since})
    # An unknown op always answers: once it does, the subscribe was handled.
    await socket.send_json_to({"op": "sync"})
    answer = await socket.receive_json_from(timeout=TIMEOUT)
    if answer.get("code") == "bad_request" and "stream" not in answer:
        return None
    await socket.receive_json_from(timeout=TIMEOUT)
    return answer


def _live_setup():
    town = make_town("Live")
    index = make_challenge_index(town)
    action_type = make_action_type()
    challenge = make_challenge(index, [action_type])
    neighbourhood = NeighbourhoodFactory(town=town)
    actor = make_member(town, neighbourhood=neighbourhood)
    watcher = make_member(town, neighbourhood=neighbourhood)
    actions.check_join(actor, challenge)
    stranger_town = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        stranger_town, neighbourhood=NeighbourhoodFactory(town=stranger_town)
    )
    return challenge, action_type, actor, watcher, stranger


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_a_subscriber_receives_the_leaderboard_after_an_action():
    challenge, action_type, actor, watcher, _stranger = await database_sync_to_async(
        _live_setup
    )()
    stream = leaderboard_stream(challenge.pk)
    since = await database_sync_to_async(latest_event_id)(stream)
    socket = await _connect(watcher.user)
    try:
        assert await _subscribe(socket, stream, since) is None
        await database_sync_to_async(log)(actor, challenge, action_type)
        frame = await socket.receive_json_from(timeout=TIMEOUT)
    finally:
        await socket.disconnect()
    assert frame["stream"] == stream
    assert frame["event"] == "leaderboard.updated"
    assert actor.household.public_id in frame["data"]["html"]
    assert str(action_type.points()) in frame["data"]["html"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_a_member_of_another_town_is_refused_the_leaderboard():
    challenge, _action, _actor, _watcher, stranger = await database_sync_to_async(
        _live_setup
    )()
    socket = await _connect(stranger.user)
    try:
        refusal = await _subscribe(socket, leaderboard_stream(challenge.pk), None)
        refusal_feed = await _subscribe(socket, f"challenge:{challenge.pk}", None)
    finally:
        await socket.disconnect()
    assert refusal["code"] == "forbidden"
    assert refusal_feed["code"] == "forbidden"
