"""Thin views behind the challenge pages' routes: parse, authorise, call an action."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from challenges import actions, queries
from challenges.forms import LogActionForm
from challenges.models import ChallengePage
from community import roles
from feeds import queries as feeds_queries
from feeds.access import hidden_author_ids
from feeds.forms import PostForm
from realtime.groups import challenge_stream, leaderboard_stream
from realtime.queries import latest_event_id
from scoring import client as scoring

TO_CONFIRM_PER_PAGE = 20


def _signed_in(request: HttpRequest, challenge: ChallengePage):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    return queries.member_in_town(request.user, challenge), None


@csrf_protect
def join(request: HttpRequest, challenge: ChallengePage) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member, refusal = _signed_in(request, challenge)
    if refusal is not None:
        return refusal
    actions.check_join(member, challenge)
    messages.success(request, _("Votre foyer participe au défi."))
    return redirect(challenge.url)


@csrf_protect
def leave(request: HttpRequest, challenge: ChallengePage) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    member, refusal = _signed_in(request, challenge)
    if refusal is not None:
        return refusal
    actions.do_leave(member, challenge)
    messages.success(request, _("Votre foyer a quitté le défi."))
    return redirect(challenge.url)


def _form_errors(error: ValidationError) -> ValidationError:
    # The action names the instant `occurred_at`; the form asks for a day.
    if hasattr(error, "error_dict"):
        fields = {"occurred_at": "occurred_on"}
        return ValidationError(
            {
                fields.get(name, name): errors
                for name, errors in error.error_dict.items()
            }
        )
    return error


@csrf_protect
def log_action(request: HttpRequest, challenge: ChallengePage) -> HttpResponse:
    member, refusal = _signed_in(request, challenge)
    if refusal is not None:
        return refusal
    if queries.participation_of(member.household_id, challenge) is None:
        raise PermissionDenied
    if request.method == "POST":
        form = LogActionForm(request.POST, request.FILES, challenge=challenge)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = actions.check_log_action(
                    member,
                    challenge,
                    action_type=data["action_type"],
                    occurred_at=form.occurred_at(),
                    idempotency_key=data["idempotency_key"],
                    photo=data["photo"],
                )
            except ValidationError as error:
                form.add_error(None, _form_errors(error))
            else:
                if result.pending:
                    # Stored with its key; the core counts it when it answers.
                    messages.warning(request, pending_message())
                elif result.replayed:
                    messages.info(request, _("Cette action était déjà enregistrée."))
                else:
                    messages.success(
                        request,
                        _("Bravo ! %(points)d points pour votre foyer.")
                        % {"points": result.action.points_awarded},
                    )
                for badge in result.badges:
                    messages.success(
                        request,
                        _("Nouveau badge : %(badge)s")
                        % {"badge": badge.get_kind_display()},
                    )
                return redirect(challenge.url)
    else:
        form = LogActionForm(
            challenge=challenge,
            initial={
                "occurred_on": timezone.localdate(),
                "idempotency_key": scoring.new_idempotency_key(),
            },
        )
    return TemplateResponse(
        request,
        "challenges/log_action.html",
        {
            "page": challenge,
            "form": form,
            "max_days": settings.SMARTCITIZEN["ACTION_MAX_DELAY_DAYS"],
        },
    )


def pending_message() -> str:
    """What a household reads when its action waits for the scoring core."""
    return _(
        "Action enregistrée : elle sera comptée dès que le service des points répond."
    )


def leaderboard(request: HttpRequest, challenge: ChallengePage) -> HttpResponse:
    member, refusal = _signed_in(request, challenge)
    if refusal is not None:
        return refusal
    stream = leaderboard_stream(challenge.pk)
    own = queries.participation_of(member.household_id, challenge)
    return TemplateResponse(
        request,
        "challenges/leaderboard.html",
        {
            "page": challenge,
            "board": queries.leaderboard(challenge),
            "stream": stream,
            "since": latest_event_id(stream),
            "own_household": member.household if own else None,
        },
    )


def challenge_feed(request: HttpRequest, challenge: ChallengePage) -> HttpResponse:
    """The challenge's own feed: its posts (feeds' queries), the form, live items."""
    _member, refusal = _signed_in(request, challenge)
    if refusal is not None:
        return refusal
    viewer = feeds_queries.member_for(request.user, queries.town_of(challenge))
    cursor = request.GET.get("avant")
    page = feeds_queries.challenge_feed(viewer, challenge.pk, cursor)
    stream = challenge_stream(challenge.pk)
    first_page = not cursor
    form = None
    if not challenge.has_ended():
        # Feeds' form, its place fixed to this challenge (a hidden `where`).
        form = PostForm.for_member(
            viewer, neighbourhoods=[], fixed=f"challenge:{challenge.pk}"
        )
    return TemplateResponse(
        request,
        "challenges/challenge_feed.html",
        {
            "page": challenge,
            "viewer": viewer,
            "posts": page,
            "form": form,
            # Live items go on top of the first page only, as in feeds.
            "live_stream": stream if first_page else None,
            "live_since": latest_event_id(stream) if first_page else None,
            "hidden_authors": hidden_author_ids(viewer),
        },
    )


def to_confirm(request: HttpRequest, challenge: ChallengePage) -> HttpResponse:
    member, refusal = _signed_in(request, challenge)
    if refusal is not None:
        return refusal
    if not roles.is_ambassador(request.user, queries.town_of(challenge)):
        raise PermissionDenied
    page = Paginator(queries.actions_to_confirm(challenge), TO_CONFIRM_PER_PAGE)
    return TemplateResponse(
        request,
        "challenges/to_confirm.html",
        {"page": challenge, "actions": page.get_page(request.GET.get("page"))},
    )


@csrf_protect
def confirm(
    request: HttpRequest, challenge: ChallengePage, action_id: int
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member, action = queries.access_action_to_confirm(
        request.user, challenge, action_id
    )
    back = challenge.url + challenge.reverse_subpage("to_confirm")
    try:
        actions.check_confirm_action(member, action)
    except scoring.ScoringUnavailable:
        messages.error(request, scoring.unavailable_message())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Action confirmée."))
    return redirect(back)
