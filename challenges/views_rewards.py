"""Rewards: the offers, redeeming points for a code, and the shop's code check."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from challenges import actions, queries
from community.models import Member
from community.queries import member_of
from community.towns import town_for_request
from scoring import client as scoring

REWARDS_PER_PAGE = 20
CODES_PER_PAGE = 20


class RedeemForm(forms.Form):
    idempotency_key = forms.RegexField(regex=r"^[A-Za-z0-9_.:-]{1,100}$")


class UseCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code du client"), max_length=20)


def _household_member(request: HttpRequest) -> Member:
    member = member_of(request.user)
    town = town_for_request(request)
    if member is None or member.household is None or town is None:
        raise Http404
    if member.town_id != town.pk:
        raise Http404
    return member


@login_required
def rewards(request: HttpRequest) -> HttpResponse:
    member = _household_member(request)
    page = Paginator(queries.town_rewards(member.town), REWARDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for reward in page.object_list:
        # One key per offer shown: a double click redeems once.
        reward.form_key = scoring.new_idempotency_key()
    if queries.has_pending_actions(member.household_id):
        # Queued actions first, so the balance shown includes their points.
        actions.do_send_pending_actions(
            household=member.household, limit=actions.PENDING_BATCH
        )
    try:
        balance = scoring.get_points(member.household)["total"]
        unavailable = ""
    except scoring.ScoringUnavailable:
        balance, unavailable = None, scoring.unavailable_message()
    return TemplateResponse(
        request,
        "challenges/rewards.html",
        {"rewards": page, "balance": balance, "unavailable": unavailable},
    )


@login_required
@require_POST
def redeem(request: HttpRequest, reward_id: int) -> HttpResponse:
    member = _household_member(request)
    reward = queries.access_reward(member.town, reward_id)
    form = RedeemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Demande invalide : rechargez la page."))
        return redirect("challenges:rewards")
    try:
        result = actions.check_redeem(
            member, reward, form.cleaned_data["idempotency_key"]
        )
    except scoring.ScoringUnavailable:
        # Nothing was spent nor stored: the same offer may be taken later.
        messages.error(
            request,
            _(
                "Le service des points ne répond pas : rien n'a été échangé ni "
                "dépensé. Réessayez dans quelques minutes."
            ),
        )
        return redirect("challenges:rewards")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("challenges:rewards")
    if not result.replayed:
        messages.success(
            request,
            _("C'est fait ! Montrez le code %(code)s chez %(shop)s.")
            % {"code": result.redemption.code, "shop": reward.shop.name},
        )
    return redirect("challenges:codes")


@login_required
def codes(request: HttpRequest) -> HttpResponse:
    member = _household_member(request)
    page = Paginator(
        queries.household_redemptions(member.household_id), CODES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return TemplateResponse(request, "challenges/codes.html", {"codes": page})


def shop(request: HttpRequest, token: str) -> HttpResponse:
    """The shop's page, reached by its secret address; no account needed."""
    shop = queries.access_shop(token)
    used = None
    if request.method == "POST":
        form = UseCodeForm(request.POST)
        if form.is_valid():
            try:
                used = actions.check_use_code(shop, form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error)
            else:
                form = UseCodeForm()
    else:
        form = UseCodeForm()
    response = TemplateResponse(
        request, "challenges/shop.html", {"shop": shop, "form": form, "used": used}
    )
    # The token is in the URL: keep it out of referrers and caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
