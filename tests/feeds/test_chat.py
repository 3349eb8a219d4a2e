"""Chat: neighbourhood rooms, direct messages, history, unread counts."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from feeds import access, actions
from feeds.models import ChatMessage
from feeds.queries.chat import room_history, rooms_of
from realtime.models import Event
from tests.feeds.conftest import key

pytestmark = pytest.mark.django_db


def test_a_neighbourhood_room_is_for_its_neighbourhood(
    member, neighbour, far_neighbour, neighbourhood
):
    room = actions.get_or_create_neighbourhood_room(neighbourhood)
    assert actions.get_or_create_neighbourhood_room(neighbourhood) == room
    message = actions.check_send_message(
        member, room, body="Apéro ce soir ?", client_key=key()
    )
    assert access.can_read_room(neighbour.user, room.pk)
    assert not access.can_read_room(far_neighbour.user, room.pk)
    assert not access.can_read_dm(member.user, room.pk)
    with pytest.raises(PermissionDenied):
        actions.check_send_message(far_neighbour, room, body="Moi ?", client_key=key())
    event = Event.objects.get(stream=f"room:{room.pk}")
    assert f'id="message-{message.pk}"' in event.data["html"]


def test_a_retried_message_is_stored_once(member, neighbourhood):
    room = actions.get_or_create_neighbourhood_room(neighbourhood)
    first = actions.check_send_message(member, room, body="Salut", client_key="m-1")
    again = actions.check_send_message(member, room, body="Salut", client_key="m-1")
    assert first == again and ChatMessage.objects.count() == 1


def test_direct_messages_are_refused_when_either_blocked(member, neighbour, stranger):
    room = actions.get_or_create_direct_room(member, neighbour)
    assert actions.get_or_create_direct_room(neighbour, member) == room
    actions.check_send_message(member, room, body="Bonjour Paul", client_key=key())
    assert access.can_read_dm(neighbour.user, room.pk)
    actions.do_block(neighbour, member)
    assert not access.can_read_dm(neighbour.user, room.pk)
    with pytest.raises(PermissionDenied):
        actions.check_send_message(member, room, body="Tu es là ?", client_key=key())
    with pytest.raises(ValidationError):
        actions.get_or_create_direct_room(member, neighbour)
    with pytest.raises(ValidationError):
        actions.get_or_create_direct_room(member, stranger)
    assert ChatMessage.objects.count() == 1


def test_history_by_cursor_and_unread_counts(member, neighbour, neighbourhood):
    room = actions.get_or_create_neighbourhood_room(neighbourhood)
    for number in range(35):
        actions.check_send_message(
            neighbour, room, body=f"Message {number}", client_key=key()
        )
    page = room_history(member, room, None)
    assert [m.body for m in page.items][-1] == "Message 34"
    assert len(page.items) == 30 and page.next_cursor
    older = room_history(member, room, page.next_cursor)
    assert [m.body for m in older.items] == [f"Message {n}" for n in range(5)]
    assert older.next_cursor is None
    [mine] = rooms_of(member)
    assert mine.unread == 35
    # The page runs oldest first: Message 5 … Message 34; read up to Message 14.
    actions.do_mark_read(member, room, page.items[9].pk)
    assert rooms_of(member)[0].unread == 20
    # A marker never moves back.
    actions.do_mark_read(member, room, page.items[0].pk)
    assert rooms_of(member)[0].unread == 20
    # Writing marks the room read for its author.
    assert rooms_of(neighbour)[0].unread == 0


def test_the_chat_pages_without_javascript(
    client, member, neighbour, neighbourhood, django_assert_max_num_queries
):
    room = actions.get_or_create_neighbourhood_room(neighbourhood)
    for number in range(40):
        actions.check_send_message(
            neighbour, room, body=f"Message {number}", client_key=key()
        )
    client.force_login(member.user)
    with django_assert_max_num_queries(20):
        listing = client.get(reverse("feeds:rooms")).content.decode()
    assert "40 non lus" in listing
    url = reverse("feeds:room", args=[room.pk])
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert f'data-live-stream="room:{room.pk}"' in page
    assert 'data-live-order="newest-last"' in page
    assert page.count('class="message-item"') == 30
    assert "non lu" not in client.get(reverse("feeds:rooms")).content.decode()
    client_key = re.search(r'name="client_key" value="([^"]+)"', page).group(1)
    response = client.post(url, {"body": "Je viens !", "client_key": client_key})
    assert response.status_code == 302
    response = client.post(url, {"body": "x" * 2001, "client_key": key()})
    assert response.status_code == 400 and "x" * 100 in response.content.decode()
    assert ChatMessage.objects.filter(author=member).count() == 1


def test_a_member_starts_a_conversation_from_a_profile(client, member, neighbour):
    client.force_login(member.user)
    response = client.post(reverse("feeds:start_direct", args=[neighbour.pk]))
    assert response.status_code == 302
    room_url = response["Location"]
    client.post(room_url, {"body": "Coucou", "client_key": key()})
    client.force_login(neighbour.user)
    assert "Coucou" in client.get(room_url).content.decode()
    client.logout()
    client.force_login(member.user)
    actions.do_block(member, neighbour)
    assert client.get(room_url).status_code == 404
    response = client.post(room_url, {"body": "Encore", "client_key": key()})
    assert response.status_code == 404
    assert ChatMessage.objects.count() == 1
