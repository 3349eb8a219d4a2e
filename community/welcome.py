"""The welcome path after sign-up: three steps, each a plain form, each skippable.

1. « domaines »: where the household acts (pre-filled with what it chose);
2. « compteurs »: bring meter data now (« Mes compteurs ») or later;
3. « defi »: join a challenge open to the household's neighbourhood.

A step is done when its form is sent; « Passer » / « Plus tard » are links that
record nothing, so the home offers « Terminer mon accueil » until all three are
done. Sign-up sends the new member here once; nothing forces the path after.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import actions
from community.forms import WelcomeChallengeForm, WelcomeDomainsForm
from community.models import Member
from community.queries import member_of
from community.towns import town_for_request

# A neighbourhood rarely has more open at once; the page lists no more.
CHALLENGES_SHOWN = 12


@dataclass(frozen=True)
class ChallengeOffers:
    """Step 3's challenges, registered by the challenges app (above this one)
    from its AppConfig.ready(): community imports nothing of it."""

    # The challenges open to the member's household on that day, each with
    # `joined` (whether the household is in it already).
    open_near: Callable[[Member, date], QuerySet]
    # The challenge page's own join action; PermissionDenied when it may not.
    join: Callable[[Member, Any], object]


_challenge_offers: list[ChallengeOffers] = []


def register_challenge_offers(offers: ChallengeOffers) -> None:
    _challenge_offers[:] = [offers]


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise


STEPS = [
    Step("domaines", gettext_lazy("Vos domaines d'action")),
    Step("compteurs", gettext_lazy("Vos compteurs")),
    Step("defi", gettext_lazy("Un défi près de chez vous")),
]
SLUGS = [step.slug for step in STEPS]


def _welcome_member(request: HttpRequest) -> Member:
    """The signed-in member of this town with a household; anyone else: 404."""
    member = member_of(request.user)
    town = town_for_request(request)
    if (
        member is None
        or town is None
        or member.town_id != town.pk
        or member.household is None
    ):
        raise Http404
    return member


def next_step_url(member: Member, after: str | None = None) -> str:
    """The first step not done after `after` (from the start if None), else home."""
    start = 0 if after is None else SLUGS.index(after) + 1
    for slug in SLUGS[start:]:
        if slug not in member.welcome_done:
            return reverse("welcome_step", args=[slug])
    return "/"


@login_required
def welcome(request: HttpRequest) -> HttpResponse:
    """/bienvenue/: the first step left, or home once the path is complete."""
    member = _welcome_member(request)
    if member.welcome_completed_at is not None:
        return redirect("/")
    return redirect(next_step_url(member))


def _done(request: HttpRequest, member: Member, slug: str) -> str:
    """Record a step as done; the URL to go on to (a message at the end)."""
    just_completed = actions.do_mark_welcome_step(member, slug, SLUGS)
    following = next_step_url(member, after=slug)
    if just_completed:
        messages.success(
            request,
            _("Votre accueil est terminé. Voici ce qui se passe près de chez vous."),
        )
    return following


@login_required
def welcome_step(request: HttpRequest, slug: str) -> HttpResponse:
    member = _welcome_member(request)
    if slug not in SLUGS:
        raise Http404
    index = SLUGS.index(slug)
    step = STEPS[index]
    context = {
        "step": step,
        "number": index + 1,
        "total": len(STEPS),
        "steps": [
            {
                "title": other.title,
                "current": other.slug == slug,
                "done": other.slug in member.welcome_done,
            }
            for other in STEPS
        ],
        "skip_url": next_step_url(member, after=slug),
        "member": member,
    }
    handler = {
        "domaines": _domains_step,
        "compteurs": _meters_step,
        "defi": _challenge_step,
    }[slug]
    return handler(request, member, context)


def _domains_step(request: HttpRequest, member: Member, context: dict) -> HttpResponse:
    household = member.household
    if request.method == "POST":
        form = WelcomeDomainsForm(request.POST, town=member.town)
        if form.is_valid():
            actions.do_set_household_domains(household, form.cleaned_data["domains"])
            return redirect(_done(request, member, "domaines"))
    else:
        form = WelcomeDomainsForm(
            initial={"domains": household.domains}, town=member.town
        )
    context["form"] = form
    context["already_chosen"] = bool(household.domains)
    status = 400 if form.is_bound else 200
    return render(request, "community/welcome_domains.html", context, status=status)


def _meters_step(request: HttpRequest, member: Member, context: dict) -> HttpResponse:
    if request.method == "POST":
        # Done once the member goes to bring their files: the upload itself is
        # the meters app's, and « Terminer mon accueil » brings them back.
        _done(request, member, "compteurs")
        return redirect(reverse("meters:home") + "#envoyer-fichier")
    return render(request, "community/welcome_meters.html", context)


def _challenge_step(
    request: HttpRequest, member: Member, context: dict
) -> HttpResponse:
    if not _challenge_offers:
        raise Http404
    source = _challenge_offers[0]
    today = timezone.localdate()
    offers = source.open_near(member, today)
    status = 200
    if request.method == "POST" and "continuer" in request.POST:
        return redirect(_done(request, member, "defi"))
    if request.method == "POST":
        form = WelcomeChallengeForm(request.POST)
        challenge = None
        if form.is_valid():
            challenge = offers.filter(pk=form.cleaned_data["challenge"]).first()
        if challenge is not None:
            try:
                # The challenge page's own join action (challenges/actions).
                source.join(member, challenge)
            except PermissionDenied:
                challenge = None
        if challenge is not None:
            messages.success(
                request,
                _("Votre foyer participe au défi « %(title)s ».")
                % {"title": challenge.title},
            )
            return redirect(_done(request, member, "defi"))
        messages.error(
            request,
            _("Ce défi n'est plus ouvert à votre foyer. Choisissez-en un autre."),
        )
        status = 400
    shown = list(offers[:CHALLENGES_SHOWN])
    context["challenges"] = shown
    context["joined_any"] = any(challenge.joined for challenge in shown)
    context["today"] = today
    return render(request, "community/welcome_challenge.html", context, status=status)
