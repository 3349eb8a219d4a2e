"""Per-viewer filtering on the server, over the real websocket stack and Redis.

A member who blocked or muted someone, or was blocked by them, gets no frame
about them on their connection: live, on resume, and after the block or mute
changes while connected. What does arrive is the same bytes for every viewer.
"""

import itertools
import json

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds import actions
from feeds.access import hidden_member_ids_of_user
from realtime.groups import reports_stream, town_stream, user_stream
from realtime.models import Event
from realtime.publish import HIDES_EVENT
from realtime.queries import latest_event_id

from .conftest import (
    TIMEOUT,
    connected,
    handled,
    make_member,
    realtime_db,
    receive,
    send_subscribe,
    subscribe,
)

pytestmark = [pytest.mark.asyncio, realtime_db]

_keys = itertools.count(1)


@pytest.fixture
def third(town, neighbourhood):
    """A member nobody blocks or mutes, whose posts show that frames still flow."""
    return make_member(town, neighbourhood)


def post(author, body: str):
    return actions.check_create_post(author, body=body, client_key=f"k{next(_keys)}")


def comment(author, on, body: str, parent=None):
    return actions.check_add_comment(
        author,
        on,
        body=body,
        client_key=f"k{next(_keys)}",
        parent_id=parent.pk if parent is not None else None,
    )


async def items(socket, count: int) -> list[str]:
    """The `item` of the next frames (a post or comment id), in order."""
    frames = [await receive(socket) for _ in range(count)]
    return [
        frame["data"].get("comment_item") or frame["data"]["item"] for frame in frames
    ]


async def town_socket(member):
    socket = await connected(member.user)
    await subscribe(socket, town_stream(member.town_id))
    return socket


async def in_db(function, *args, **kwargs):
    return await database_sync_to_async(function)(*args, **kwargs)


@pytest.mark.parametrize("relation", ["mute", "block"])
async def test_a_hidden_author_sends_no_frame_and_the_others_still_come(
    member, neighbour, third, relation
):
    await in_db(getattr(actions, f"do_{relation}"), member, neighbour)
    socket = await town_socket(member)

    await in_db(post, neighbour, "De la part d'un masqué")
    shown = await in_db(post, third, "De la part d'un autre")

    # The hidden author's post.created never came: the next frame is the other.
    assert await items(socket, 1) == [f"post-{shown.pk}"]
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_a_block_set_while_connected_applies_at_once_both_ways(
    member, neighbour, third
):
    blocker = await town_socket(member)
    blocked = await town_socket(neighbour)
    await subscribe(blocked, user_stream(neighbour.user_id))

    await in_db(actions.do_block, member, neighbour)
    by_blocked = await in_db(post, neighbour, "Du bloqué")
    by_blocker = await in_db(post, member, "Du bloqueur")
    by_third = await in_db(post, third, "D'un tiers")

    # Each still gets their own post.
    assert await items(blocker, 2) == [f"post-{by_blocker.pk}", f"post-{by_third.pk}"]
    # The blocked one gets none of the blocker's frames, and is not told of
    # the block by its private stream either.
    assert await items(blocked, 2) == [f"post-{by_blocked.pk}", f"post-{by_third.pk}"]
    assert await blocker.receive_nothing(0.3)
    assert await blocked.receive_nothing(0.3)
    await blocker.disconnect()
    await blocked.disconnect()


async def test_after_unblocking_or_unmuting_frames_come_again(member, neighbour):
    await in_db(actions.do_block, member, neighbour)
    await in_db(actions.do_mute, member, neighbour)
    socket = await town_socket(member)
    other_side = await town_socket(neighbour)

    await in_db(actions.do_unblock, member, neighbour)
    # Still muted: the block is gone, the mute hides them from `member` only.
    still_muted = await in_db(post, neighbour, "Encore masqué")
    seen_by_neighbour = await in_db(post, member, "Vu par le voisin")
    assert await items(other_side, 2) == [
        f"post-{still_muted.pk}",
        f"post-{seen_by_neighbour.pk}",
    ]
    assert await items(socket, 1) == [f"post-{seen_by_neighbour.pk}"]

    await in_db(actions.do_unmute, member, neighbour)
    back = await in_db(post, neighbour, "De retour")
    assert await items(socket, 1) == [f"post-{back.pk}"]
    assert await items(other_side, 1) == [f"post-{back.pk}"]
    await socket.disconnect()
    await other_side.disconnect()


async def test_a_block_by_the_other_side_is_lifted_only_when_both_are(
    member, neighbour
):
    await in_db(actions.do_block, member, neighbour)
    await in_db(actions.do_block, neighbour, member)
    socket = await town_socket(member)

    await in_db(actions.do_unblock, member, neighbour)
    await in_db(post, neighbour, "Toujours bloqué par l'autre sens")
    await in_db(actions.do_unblock, neighbour, member)
    back = await in_db(post, neighbour, "Débloqué des deux côtés")

    assert await items(socket, 1) == [f"post-{back.pk}"]
    await socket.disconnect()


async def test_resume_leaves_out_what_the_viewer_hides(member, neighbour, third):
    stream = town_stream(member.town_id)
    await in_db(actions.do_block, neighbour, member)
    seen = await in_db(latest_event_id, stream)

    await in_db(post, neighbour, "Pendant l'absence, du bloqueur")
    missed = await in_db(post, third, "Pendant l'absence, d'un tiers")

    socket = await connected(member.user)
    await send_subscribe(socket, stream, since=seen)
    assert await items(socket, 1) == [f"post-{missed.pk}"]
    await handled(socket)
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_comments_of_a_hidden_member_and_replies_to_them_do_not_come(
    member, neighbour, third
):
    question = await in_db(post, third, "Une question")
    hidden_comment = await in_db(comment, neighbour, question, "D'un masqué")
    await in_db(actions.do_mute, member, neighbour)
    socket = await town_socket(member)

    await in_db(comment, neighbour, question, "Encore lui")
    # The page leaves a reply out with the comment it answers.
    await in_db(comment, third, question, "Réponse au masqué", parent=hidden_comment)
    shown = await in_db(comment, third, question, "Un commentaire visible")

    assert await items(socket, 1) == [f"comment-{shown.pk}"]
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_a_live_item_is_the_same_bytes_for_its_author_and_a_reader(
    member, neighbour, third
):
    sockets = [await town_socket(m) for m in (member, neighbour, third)]

    created = await in_db(post, member, "Le même pour tous")

    texts = [await s.receive_from(timeout=TIMEOUT) for s in sockets]
    assert texts[0] == texts[1] == texts[2]
    html = json.loads(texts[0])["data"]["html"]
    assert f'id="post-{created.pk}" data-author="{member.pk}"' in html
    # Every control, marked for the page to keep by its viewer; nothing of a
    # request or a viewer: no token, no return address, nothing pressed.
    assert "data-owner-only" in html and "data-others-only" in html
    assert "csrfmiddlewaretoken" not in html and 'name="next" value=""' in html
    assert 'aria-pressed="true"' not in html
    for socket in sockets:
        await socket.disconnect()


async def test_the_hides_of_a_viewer_never_reach_a_client(member, neighbour):
    own = user_stream(member.user_id)
    socket = await connected(member.user)
    await subscribe(socket, own)
    seen = await in_db(latest_event_id, own)

    await in_db(actions.do_mute, member, neighbour)
    await in_db(actions.do_unmute, member, neighbour)
    assert await socket.receive_nothing(0.3)

    # Nor on resume; they are in the log for the connections only.
    hides = await in_db(
        lambda: Event.objects.filter(stream=own, event=HIDES_EVENT).count()
    )
    assert hides == 2
    await send_subscribe(socket, own, since=seen)
    await handled(socket)
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


@pytest.mark.asyncio(loop_scope="function")
async def test_the_hidden_set_is_read_in_one_query(member, neighbour, third):
    await in_db(actions.do_block, member, neighbour)
    await in_db(actions.do_mute, member, third)
    await in_db(actions.do_block, third, member)

    def read() -> tuple[set[int], int]:
        with CaptureQueriesContext(connection) as queries:
            hidden = hidden_member_ids_of_user(member.user)
        return hidden, len(queries)

    assert await in_db(read) == ({neighbour.pk, third.pk}, 1)


async def test_a_hidden_member_s_note_on_a_report_does_not_come(
    member, neighbour, third
):
    """A resident's note on a report is theirs, as a comment is: a viewer who
    blocked them gets no frame of it; another resident's note still comes."""
    from reports import actions as report_actions
    from tests.factories import make_report

    report = await in_db(make_report, third)
    await in_db(actions.do_block, member, neighbour)
    socket = await connected(member.user)
    await subscribe(socket, reports_stream(member.town_id))

    await in_db(
        report_actions.check_add_note,
        neighbour,
        report,
        "Toujours là, du bloqué",
        client_key=f"k{next(_keys)}",
    )
    shown = await in_db(
        report_actions.check_add_note,
        third,
        report,
        "Et plus grand",
        client_key=f"k{next(_keys)}",
    )
    frame = await receive(socket)
    assert (frame["event"], frame["data"]["update_id"]) == ("report.note", shown.pk)
    assert "du bloqué" not in json.dumps(frame)
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()
