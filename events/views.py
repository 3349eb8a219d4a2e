"""Thin views behind the event pages' routes: parse, authorise, call an action."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from common.views import add_action_error
from community.queries import member_of
from community.towns import town_for_request, town_member, town_or_404
from events import actions, ics, queries
from events.forms import EventProposalForm, RegistrationForm
from events.models import EventIndexPage, EventPage, Registration, town_of_index


def _town_member(request: HttpRequest, page):
    """The signed-in member of the page's town, else a 404 (another town's)."""
    member = member_of(request.user)
    town = town_of_index(page)
    if member is None or town is None or member.town_id != town.pk:
        raise Http404
    return member


@csrf_protect
def propose(request: HttpRequest, index: EventIndexPage) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = _town_member(request, index)
    form = EventProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.check_propose_event(member, index, **data)
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            messages.success(
                request,
                _(
                    "Merci ! Votre événement est envoyé aux modérateurs ; vous "
                    "serez prévenu de leur réponse."
                ),
            )
            return redirect(index.url)
    return TemplateResponse(
        request,
        "events/event_proposal.html",
        {"page": index, "form": form, "town": town_of_index(index)},
    )


def _member_for_post(request: HttpRequest, event: EventPage):
    if request.method != "POST":
        return None, HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return None, redirect_to_login(event.url)
    return _town_member(request, event), None


@csrf_protect
def register(request: HttpRequest, event: EventPage) -> HttpResponse:
    member, refusal = _member_for_post(request, event)
    if refusal is not None:
        return refusal
    form = RegistrationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["people"])
        result = actions.check_register(member, event, form.cleaned_data["people"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(event.url)
    if result.waiting_position is None:
        messages.success(request, _("C'est noté : votre foyer est inscrit."))
    else:
        messages.info(
            request,
            _(
                "L'événement est complet : votre foyer est en liste d'attente "
                "(position %(position)d). Vous serez prévenu si une place se libère."
            )
            % {"position": result.waiting_position},
        )
    return redirect(event.url)


@csrf_protect
def cancel(request: HttpRequest, event: EventPage) -> HttpResponse:
    member, refusal = _member_for_post(request, event)
    if refusal is not None:
        return refusal
    try:
        actions.check_cancel(member, event)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect(event.url)


def _ics_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """`/evenements/<id>/evenement.ics`: one event of the request's town."""
    town = town_or_404(request)
    event = queries.event_of_town(town, event_id)
    if event is None:
        raise Http404
    return _ics_response(
        ics.calendar([event], town, event.title, request), "evenement.ics"
    )


def town_calendar(request: HttpRequest) -> HttpResponse:
    """`/evenements/calendrier.ics`: the town's coming events and last 30 days."""
    town = town_or_404(request)
    name = _("Événements — %(town)s") % {"town": town.title}
    events = queries.calendar_events(town)
    return _ics_response(ics.calendar(events, town, name, request), "calendrier.ics")


def _manager(request: HttpRequest, event: EventPage):
    """The organiser or a moderator of the event's town; 404 for another town."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    town = queries.town_of_event(event)
    if town is None or town_for_request(request) != town:
        raise Http404
    if not queries.can_manage(request.user, event):
        if town_member(request) is None:
            raise Http404
        raise PermissionDenied
    return None


def attendees(request: HttpRequest, event: EventPage) -> HttpResponse:
    refusal = _manager(request, event)
    if refusal is not None:
        return refusal
    lists = queries.attendees(event)
    return TemplateResponse(
        request,
        "events/attendees.html",
        {
            "page": event,
            "confirmed": lists["confirmed"],
            "waiting": lists["waiting"],
            "people_total": sum(row.registration.people for row in lists["confirmed"]),
        },
    )


@csrf_protect
def confirm_presence(
    request: HttpRequest, event: EventPage, registration_id: int
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    refusal = _manager(request, event)
    if refusal is not None:
        return refusal
    back = event.url + event.reverse_subpage("attendees")
    try:
        result = actions.check_confirm_presence(request.user, event, registration_id)
    except Registration.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(back)
    if not result.newly_confirmed and result.points_awarded is None:
        messages.info(request, _("La présence de ce foyer était déjà confirmée."))
    elif result.points_awarded:
        messages.success(
            request,
            _("Présence confirmée : %(points)d points pour ce foyer.")
            % {"points": result.points_awarded},
        )
    else:
        messages.success(request, _("Présence confirmée."))
    if result.scoring_message:
        messages.warning(request, result.scoring_message)
    return redirect(back)
