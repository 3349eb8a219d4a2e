"""Thin views behind the tip pages' routes: parse, authorise, call an action."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from common.views import add_action_error
from community.queries import member_of
from feeds.forms import CommentForm
from tips import actions
from tips.forms import TipProposalForm
from tips.models import TipIndexPage, TipPage


@csrf_protect
def propose(request: HttpRequest, index: TipIndexPage) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = member_of(request.user)
    if member is None or member.town_id != index.get_parent().pk:
        raise PermissionDenied
    if request.method == "POST":
        form = TipProposalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.check_propose_tip(
                    member,
                    index,
                    title=data["title"],
                    summary=data["summary"],
                    domain=data["domain"],
                    difficulty=data["difficulty"],
                    steps=data["steps"],
                    savings_eur=data["savings_eur"],
                    start_cost_eur=data["start_cost_eur"] or 0,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Merci ! Votre astuce est envoyée aux modérateurs ; vous "
                        "serez prévenu de leur réponse."
                    ),
                )
                return redirect(index.url)
    else:
        form = TipProposalForm()
    return TemplateResponse(
        request, "tips/tip_proposal.html", {"page": index, "form": form}
    )


def _member_for_post(request: HttpRequest, tip: TipPage):
    if request.method != "POST":
        return None, HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return None, redirect_to_login(tip.url)
    member = member_of(request.user)
    if member is None:
        raise PermissionDenied
    return member, None


@csrf_protect
def mark_done(request: HttpRequest, tip: TipPage) -> HttpResponse:
    member, refusal = _member_for_post(request, tip)
    if refusal is not None:
        return refusal
    if member.household_id is None:
        messages.error(request, _("Seul un membre d'un foyer peut déclarer un geste."))
        return redirect(tip.url)
    result = actions.check_mark_done(member, tip)
    if not result.created:
        messages.info(request, _("Votre foyer a déjà fait ce geste."))
    elif result.points_awarded:
        messages.success(
            request,
            _("Bravo ! %(points)d points pour votre foyer.")
            % {"points": result.points_awarded},
        )
    else:
        messages.success(request, _("Bravo ! C'est noté pour votre foyer."))
    if result.scoring_message:
        messages.warning(request, result.scoring_message)
    return redirect(tip.url)


@csrf_protect
def vote_useful(request: HttpRequest, tip: TipPage) -> HttpResponse:
    member, refusal = _member_for_post(request, tip)
    if refusal is not None:
        return refusal
    voted, _count = actions.do_toggle_useful_vote(member, tip)
    messages.success(
        request,
        _("Merci pour votre vote.") if voted else _("Votre vote est retiré."),
    )
    return redirect(tip.url)


@csrf_protect
def comment(request: HttpRequest, tip: TipPage) -> HttpResponse:
    member, refusal = _member_for_post(request, tip)
    if refusal is not None:
        return refusal
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = actions.check_comment_tip(
                member,
                tip,
                body=form.cleaned_data["body"],
                client_key=form.cleaned_data["client_key"],
                parent_id=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            return redirect(f"{tip.url}#comment-{comment.pk}")
    # The tip page again, with the form and its errors where the member wrote.
    response = tip.render(request, context_overrides={"comment_form": form})
    response.status_code = 400
    return response
