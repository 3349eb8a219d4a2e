"""Chat pages: the member's rooms, a room's history and its send form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import trust
from common.views import add_action_error, member_required
from community.models import Member
from feeds import actions
from feeds.access import hidden_author_ids
from feeds.actions.chat import room_stream_name
from feeds.forms import MessageForm
from feeds.queries import access_member
from feeds.queries.chat import access_room, room_history, rooms_of
from realtime.queries import latest_event_id


@member_required
def rooms(request: HttpRequest, viewer: Member) -> HttpResponse:
    if viewer.household is not None:
        actions.get_or_create_neighbourhood_room(viewer.household.neighbourhood)
    return render(
        request,
        "feeds/rooms.html",
        {
            "viewer": viewer,
            "rooms": rooms_of(viewer),
            "can": trust.capabilities(viewer),
        },
    )


def _room_page(
    request: HttpRequest, viewer: Member, room, form: MessageForm | None = None
) -> HttpResponse:
    history = room_history(viewer, room, request.GET.get("avant"))
    newest_page = not request.GET.get("avant")
    if newest_page and history.items:
        # Reading the newest page marks the room read: no JavaScript needed.
        actions.do_mark_read(viewer, room, history.items[-1].pk)
    stream = room_stream_name(room)
    other = None
    if room.is_direct:
        other = (
            room.member_low if room.member_high_id == viewer.pk else room.member_high
        )
    can = trust.capabilities(viewer)
    return render(
        request,
        "feeds/room.html",
        {
            "viewer": viewer,
            "can": can,
            "may_send": trust.may_send_in(viewer, other.pk if other else None, room.pk),
            "room": room,
            "other": other,
            "history": history,
            "form": form or MessageForm(can=can),
            "live_stream": stream if newest_page else None,
            "live_since": latest_event_id(stream) if newest_page else None,
            "hidden_authors": hidden_author_ids(viewer),
        },
        status=400 if form is not None else 200,
    )


@member_required
def room(request: HttpRequest, viewer: Member, room_id: int) -> HttpResponse:
    chat_room = access_room(viewer, room_id)
    if request.method == "POST":
        form = MessageForm(request.POST, can=trust.capabilities(viewer))
        if form.is_valid():
            try:
                actions.check_send_message(
                    viewer,
                    chat_room,
                    body=form.cleaned_data["body"],
                    client_key=form.cleaned_data["client_key"],
                )
            except ValidationError as error:
                add_action_error(form, error, {})
            else:
                return redirect("feeds:room", room_id=chat_room.pk)
        return _room_page(request, viewer, chat_room, form)
    return _room_page(request, viewer, chat_room)


@require_POST
@member_required
def start_direct(request: HttpRequest, viewer: Member, member_id: int) -> HttpResponse:
    other = access_member(viewer, member_id)
    try:
        chat_room = actions.get_or_create_direct_room(viewer, other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("feeds:member", member_id=other.pk)
    return redirect("feeds:room", room_id=chat_room.pk)
