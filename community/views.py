from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from community import actions, queries
from community.forms import HouseholdDomainsForm, LoginForm, ProfileForm, SignUpForm
from community.towns import town_for_request
from config import ratelimit

# Where the switcher notes an anonymous visitor's choice until they log in; the
# session ends at logout, so the next person on a shared computer who logs in
# gets their own profile's language, not the previous visitor's choice.
CHOSEN_LANGUAGE_SESSION_KEY = "chosen_language"


def _profile_languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """Set the language cookie as Django's switcher does, with its settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _require_town(request: HttpRequest):
    town = town_for_request(request)
    if town is None:
        raise Http404
    return town


def sign_up(request: HttpRequest) -> HttpResponse:
    town = _require_town(request)
    if request.user.is_authenticated:
        return redirect("household")
    if request.method == "POST":
        form = SignUpForm(request.POST, town=town)
        # Counted per client address, tries included (invitation-code guessing).
        retry_after = ratelimit.hit("signup", ratelimit.identity(request))
        if retry_after:
            form.is_valid()
            form.add_error(None, ratelimit.limit_message(retry_after))
            return render(request, "community/sign_up.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = actions.check_sign_up(
                    town,
                    email=data["email"],
                    password=data["password1"],
                    display_name=data["display_name"],
                    language=get_language() or "fr",
                    code=data.get("code", ""),
                    neighbourhood=data.get("neighbourhood"),
                    domains=data.get("domains"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except IntegrityError:
                form.add_error(
                    "email", _("Un compte existe déjà avec cette adresse e-mail.")
                )
            else:
                login(
                    request,
                    member.user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
                messages.success(
                    request, _("Bienvenue, %(name)s !") % {"name": member.display_name}
                )
                # The welcome path, once (community/welcome.py).
                return redirect("welcome")
    else:
        form = SignUpForm(initial={"code": request.GET.get("code", "")}, town=town)
    return render(request, "community/sign_up.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["town"] = town_for_request(self.request)
        return kwargs

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Per address, whatever the account: django-axes locks one account, this
        # slows one address trying many accounts.
        retry_after = ratelimit.hit("login", ratelimit.identity(request))
        if retry_after:
            return ratelimit.too_many_requests(request, retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        # login() keeps an anonymous session's data (it only cycles the key), so
        # a choice made in the switcher just before logging in is still here.
        chosen = self.request.session.pop(CHOSEN_LANGUAGE_SESSION_KEY, "")
        response = super().form_valid(form)
        member = queries.member_of(self.request.user)
        if member is not None:
            # A choice made just before logging in wins and becomes the
            # profile's; otherwise the site speaks the profile's language from
            # the first page on (docs/decisions.md, session 5).
            if chosen in _profile_languages():
                actions.do_set_preferred_language(member, chosen)
            _set_language_cookie(response, member.preferred_language)
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    member = queries.member_of(request.user)
    if member is None:
        raise Http404
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=member)
        if form.is_valid():
            try:
                actions.do_update_profile(
                    member,
                    display_name=form.cleaned_data["display_name"],
                    preferred_language=form.cleaned_data["preferred_language"],
                    avatar=form.cleaned_data.get("avatar") or None,
                    remove_avatar=form.cleaned_data["remove_avatar"],
                )
            except ValidationError as error:
                form.add_error("avatar", error)
            else:
                messages.success(request, _("Votre profil est enregistré."))
                response = redirect("profile")
                _set_language_cookie(response, member.preferred_language)
                return response
    else:
        form = ProfileForm(instance=member)
    return render(request, "community/profile.html", {"form": form, "member": member})


@login_required
def my_household(request: HttpRequest) -> HttpResponse:
    member = queries.member_of(request.user)
    if member is None or member.household is None:
        messages.info(request, _("Votre compte n'est rattaché à aucun foyer."))
        return redirect("profile" if member else "/")
    return redirect("household_detail", public_id=member.household.public_id)


def _household_page(
    request: HttpRequest, household, form: HouseholdDomainsForm | None = None
) -> HttpResponse:
    member = queries.member_of(request.user)
    if form is None:
        form = HouseholdDomainsForm(
            initial={"domains": household.domains}, town=member.town
        )
    return render(
        request,
        "community/household.html",
        {
            "household": household,
            "members": queries.household_members(household),
            "domains_form": form,
        },
    )


@login_required
def household_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    town = _require_town(request)
    household = queries.access_household_by_public_id(request.user, town, public_id)
    return _household_page(request, household)


@require_POST
@login_required
def household_domains(request: HttpRequest, public_id: str) -> HttpResponse:
    """Change the household's domains (any of its members), then back to its page."""
    town = _require_town(request)
    household = queries.access_household_by_public_id(request.user, town, public_id)
    member = queries.member_of(request.user)
    form = HouseholdDomainsForm(request.POST, town=member.town)
    if form.is_valid():
        try:
            actions.check_set_household_domains(
                member, household, form.cleaned_data["domains"]
            )
        except ValidationError as error:
            form.add_error("domains", error.error_dict.get("domains", error))
        else:
            messages.success(
                request,
                _(
                    "Les domaines de votre foyer sont enregistrés : les listes les "
                    "montrent d'abord."
                )
                if form.cleaned_data["domains"]
                else _(
                    "Aucun domaine choisi : vous voyez tout, dans l'ordre habituel."
                ),
            )
            url = reverse("household_detail", args=[household.public_id])
            return redirect(f"{url}#domaines")
    # Refused: the page again, the boxes as they were ticked, nothing changed.
    return _household_page(request, household, form)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the member's profile too."""
    response = django_set_language(request)
    member = queries.member_of(request.user)
    language = request.POST.get("language", "")
    if language not in _profile_languages():
        return response
    if member is not None:
        actions.do_set_preferred_language(member, language)
    elif not request.user.is_authenticated:
        # Kept for the login that may follow (LoginView.form_valid).
        request.session[CHOSEN_LANGUAGE_SESSION_KEY] = language
    return response
