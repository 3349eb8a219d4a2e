"""Doorstep pages of the ambassadors and the household's view of their work.

Thin: parse, authorise (ambassadors.queries), call one action, render.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassadors import actions, coverage, queries
from ambassadors.cards import qr_svg
from ambassadors.forms import (
    AssistedActionForm,
    ContestForm,
    LeaveForm,
    PreRegistrationForm,
    VisitForm,
)
from ambassadors.models.visits import VisitOutcome
from community import privacy
from community.towns import town_for_request
from config import ratelimit
from meters.forms import MeterIndexForm, ReplacedMeterForm
from scoring import client as scoring

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def ambassador_view(view: Callable) -> Callable:
    """Signed in, an ambassador of the request's town: the view gets the scope."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        town = town_for_request(request)
        if town is None:
            raise Http404
        scope = queries.access_ambassador_scope(request.user, town)
        return view(request, scope, *args, **kwargs)

    return wrapper


@ambassador_view
def home(request: HttpRequest, scope: queries.AmbassadorScope) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "ambassadors/home.html",
        {
            "scope": scope,
            "call_backs": queries.pending_call_backs(scope, until=today)[:10],
            "today_visits": queries.own_visits(scope).filter(visited_on=today).count(),
        },
    )


@ambassador_view
def visit_list(request: HttpRequest, scope: queries.AmbassadorScope) -> HttpResponse:
    return render(
        request,
        "ambassadors/visit_list.html",
        {"scope": scope, "page": _page(request, queries.own_visits(scope))},
    )


@ambassador_view
def visit_new(request: HttpRequest, scope: queries.AmbassadorScope) -> HttpResponse:
    neighbourhoods = queries.covered_neighbourhoods(scope)
    if request.method == "POST":
        form = VisitForm(request.POST, neighbourhoods=neighbourhoods)
        if form.is_valid():
            data = form.cleaned_data
            try:
                logged = actions.check_log_visit(
                    scope,
                    neighbourhood=data["neighbourhood"],
                    street=data["street"],
                    house_number=data["house_number"],
                    outcome=data["outcome"],
                    call_back_on=data["call_back_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if logged.merged:
                    messages.info(
                        request,
                        _(
                            "Cette porte avait déjà une visite aujourd'hui : les deux "
                            "ont été fusionnées."
                        ),
                    )
                else:
                    messages.success(request, _("Visite enregistrée."))
                visit = logged.visit
                if visit.outcome == VisitOutcome.SIGNED_UP and not visit.household_id:
                    return redirect(
                        reverse("ambassadors:pre_register") + f"?visite={visit.pk}"
                    )
                return redirect("ambassadors:visit", visit_id=visit.pk)
    else:
        initial = {}
        if len(scope.neighbourhoods) == 1:
            initial["neighbourhood"] = scope.neighbourhoods[0]
        form = VisitForm(initial=initial, neighbourhoods=neighbourhoods)
    return render(
        request, "ambassadors/visit_form.html", {"scope": scope, "form": form}
    )


@ambassador_view
def visit_detail(
    request: HttpRequest, scope: queries.AmbassadorScope, visit_id: int
) -> HttpResponse:
    visit = queries.access_visit(scope, visit_id)
    return render(
        request, "ambassadors/visit_detail.html", {"scope": scope, "visit": visit}
    )


@ambassador_view
def call_back_list(
    request: HttpRequest, scope: queries.AmbassadorScope
) -> HttpResponse:
    return render(
        request,
        "ambassadors/call_back_list.html",
        {
            "scope": scope,
            "page": _page(request, queries.pending_call_backs(scope)),
            "today": timezone.localdate(),
        },
    )


@ambassador_view
def pre_register(request: HttpRequest, scope: queries.AmbassadorScope) -> HttpResponse:
    visit = None
    visit_id = request.GET.get("visite") or request.POST.get("visite")
    if visit_id:
        if not str(visit_id).isdigit():
            raise Http404
        visit = queries.access_visit(scope, int(visit_id))
    neighbourhoods = queries.covered_neighbourhoods(scope)
    consent_text = privacy.current_consent_text(town=town_for_request(request))
    if consent_text is None:
        messages.error(
            request,
            _("Aucun texte de consentement n'est publié : contactez un modérateur."),
        )
        return redirect("ambassadors:home")
    form_kwargs = {"neighbourhoods": neighbourhoods, "domains": scope.town.domains}
    if request.method == "POST":
        form = PreRegistrationForm(request.POST, **form_kwargs)
        # Each pre-registration issues an invitation code.
        retry_after = ratelimit.hit("invitation", ratelimit.identity(request))
        if retry_after:
            form.is_valid()
            form.add_error(None, ratelimit.limit_message(retry_after))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                onboarding, _invitation = actions.check_pre_register(
                    scope,
                    neighbourhood=data["neighbourhood"],
                    domains=data["domains"],
                    consent_text_id=data["consent_text"],
                    contact=data["contact"],
                    visit=visit,
                )
            except ValidationError as error:
                form.add_error(None, error)
                # A text published meanwhile: show the new one to read again.
                form.data = form.data.copy()
                form.data["consent_text"] = consent_text.pk
            else:
                messages.success(
                    request,
                    _("Foyer pré-inscrit. Remettez-lui sa carte d'invitation."),
                )
                return redirect(
                    "ambassadors:card", public_id=onboarding.household.public_id
                )
    else:
        initial = {"consent_text": consent_text.pk}
        if visit is not None:
            initial["neighbourhood"] = visit.neighbourhood
        elif len(scope.neighbourhoods) == 1:
            initial["neighbourhood"] = scope.neighbourhoods[0]
        form = PreRegistrationForm(initial=initial, **form_kwargs)
    return render(
        request,
        "ambassadors/pre_register.html",
        {"scope": scope, "form": form, "visit": visit, "consent_text": consent_text},
    )


@ambassador_view
def card(
    request: HttpRequest, scope: queries.AmbassadorScope, public_id: str
) -> HttpResponse:
    onboarding = queries.access_followed_household(scope, public_id)
    household = onboarding.household
    if request.method == "POST":
        retry_after = ratelimit.hit("invitation", ratelimit.identity(request))
        if retry_after:
            return ratelimit.too_many_requests(request, retry_after)
        try:
            actions.check_issue_invitation(scope, onboarding)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Un nouveau code a été créé."))
        return redirect("ambassadors:card", public_id=public_id)
    invitation = actions.current_invitation(household)
    context = {"scope": scope, "onboarding": onboarding, "invitation": invitation}
    if invitation is not None:
        url = request.build_absolute_uri(reverse("signup") + f"?code={invitation.code}")
        context.update(signup_url=url, qr=qr_svg(url))
    return render(request, "ambassadors/card.html", context)


@ambassador_view
def household_list(
    request: HttpRequest, scope: queries.AmbassadorScope
) -> HttpResponse:
    return render(
        request,
        "ambassadors/household_list.html",
        {
            "scope": scope,
            "page": _page(request, queries.followed_households(scope)),
            "now": timezone.now(),
        },
    )


@ambassador_view
def household_detail(
    request: HttpRequest, scope: queries.AmbassadorScope, public_id: str
) -> HttpResponse:
    onboarding = queries.access_followed_household(scope, public_id)
    if request.method == "POST":
        form = AssistedActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.check_log_assisted_action(
                    scope,
                    onboarding,
                    action_type=data["action_type"],
                    occurred_on=data["occurred_on"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Action enregistrée, marquée « saisi par l'ambassadeur »."),
                )
                return redirect("ambassadors:household", public_id=public_id)
    else:
        form = AssistedActionForm(
            initial={"idempotency_key": scoring.new_idempotency_key()}
        )
    return render_household_detail(request, scope, onboarding, form=form)


def render_household_detail(
    request: HttpRequest,
    scope: queries.AmbassadorScope,
    onboarding,
    *,
    form: AssistedActionForm | None = None,
    index_form: MeterIndexForm | None = None,
    replaced_form: ReplacedMeterForm | None = None,
    question: str = "",
) -> HttpResponse:
    """The follow-up page of a household, its forms as the last request left them."""
    return render(
        request,
        "ambassadors/household_detail.html",
        {
            "scope": scope,
            "onboarding": onboarding,
            "form": form
            or AssistedActionForm(
                initial={"idempotency_key": scoring.new_idempotency_key()}
            ),
            "index_form": index_form or MeterIndexForm(),
            "replaced_form": replaced_form,
            "question": question,
            "page": _page(request, queries.household_assisted_actions(onboarding)),
            "now": timezone.now(),
        },
    )


@ambassador_view
def dashboard(request: HttpRequest, scope: queries.AmbassadorScope) -> HttpResponse:
    neighbourhoods = queries.covered_neighbourhoods(scope)
    weeks = coverage.weekly(neighbourhoods, ambassador=scope.user)
    return render(
        request,
        "ambassadors/dashboard.html",
        {
            "scope": scope,
            "rows": coverage.by_neighbourhood(neighbourhoods, ambassador=scope.user),
            "weeks": weeks,
            "chart": coverage.chart(weeks),
        },
    )


@ambassador_view
def dashboard_csv(request: HttpRequest, scope: queries.AmbassadorScope) -> HttpResponse:
    rows = coverage.by_neighbourhood(
        queries.covered_neighbourhoods(scope), ambassador=scope.user
    )
    response = HttpResponse(
        coverage.rows_as_csv(rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="couverture-{stamp}.csv"'
    return response


# The household's side: what ambassadors logged for it, its consent.


@login_required
def resident_overview(request: HttpRequest) -> HttpResponse:
    town = town_for_request(request)
    if town is None:
        raise Http404
    member = queries.access_resident_household(request.user, town)
    return render(
        request,
        "ambassadors/resident.html",
        {
            "member": member,
            "page": _page(request, queries.actions_logged_for(member)),
            "consents": queries.active_consents(member),
            "contest_form": ContestForm(),
            "leave_form": LeaveForm(),
        },
    )


@login_required
@require_POST
def resident_contest(request: HttpRequest, action_id: int) -> HttpResponse:
    town = town_for_request(request)
    if town is None:
        raise Http404
    member = queries.access_resident_household(request.user, town)
    assisted = queries.access_logged_action(member, action_id)
    form = ContestForm(request.POST)
    if form.is_valid():
        try:
            actions.check_contest_assisted_action(
                member, assisted, form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Votre contestation est transmise aux modérateurs du programme."),
            )
    else:
        messages.error(request, _("Dites-nous en quelques mots ce qui ne va pas."))
    return redirect("ambassadors:resident")


@login_required
@require_POST
def resident_leave(request: HttpRequest) -> HttpResponse:
    town = town_for_request(request)
    if town is None:
        raise Http404
    member = queries.access_resident_household(request.user, town)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cochez la case pour confirmer."))
        return redirect("ambassadors:resident")
    privacy.do_withdraw_consent_and_leave(member)
    messages.success(
        request,
        _(
            "Le consentement de votre foyer est retiré et votre foyer a quitté le "
            "programme. Votre ambassadeur ne le suit plus."
        ),
    )
    return redirect("ambassadors:resident")
