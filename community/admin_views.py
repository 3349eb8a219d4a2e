"""The roles of each town in the Wagtail admin: who holds them, grant, revoke.

Superusers manage every town (a filter picks the town); a town's
administrators manage their own towns only: another town answers 404, anyone
without the role 403. Every change goes through `do_grant_role` and
`do_revoke_role`; the pages work without JavaScript (forms and redirects).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from community import actions, roles
from community.forms import GrantRoleForm, RevokeRoleForm
from community.models import Role, TownPage

HOLDERS_PER_PAGE = 50


def can_manage_roles(user) -> bool:
    """A superuser, or the administrator of at least one town."""
    return user.is_active and roles.holds_anywhere(user, Role.TOWN_ADMIN)


def managed_towns(user):
    """The towns whose roles the user manages, by title."""
    return TownPage.objects.filter(
        pk__in=roles.town_ids_where(user, Role.TOWN_ADMIN)
    ).order_by("title", "pk")


def _refuse(request: HttpRequest) -> HttpResponse:
    """A 403 page: Wagtail's admin turns a raised PermissionDenied into a
    redirect to its home page, which tells a script or a test nothing."""
    return permission_denied(request, PermissionDenied())


def _access_town(user, town_id) -> TownPage:
    """A town the user manages; 404 for a town that is not theirs (as for an
    unknown id). The views answer 403 first to someone who manages none."""
    town = managed_towns(user).filter(pk=town_id).first() if town_id else None
    if town is None:
        raise Http404
    return town


def role_holders(town: TownPage):
    """The people holding a role in the town, one row per role held, by role
    then e-mail (counted and read one page at a time)."""
    return (
        User.objects.filter(groups__town_role__town=town)
        .annotate(role=F("groups__town_role__role"))
        .values("pk", "email", "username", "role")
        .order_by("role", "email", "pk")
    )


class RolesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "community/admin/roles.html"
    page_title = gettext_lazy("Rôles dans les communes")
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_roles(request.user):
            return _refuse(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        towns = list(managed_towns(self.request.user))
        wanted = self.request.GET.get("commune", "")
        if wanted:
            town = next((t for t in towns if str(t.pk) == wanted), None)
            if town is None:
                raise Http404
        else:
            town = towns[0] if towns else None
        page = None
        if town is not None:
            page = Paginator(role_holders(town), HOLDERS_PER_PAGE).get_page(
                self.request.GET.get("page")
            )
            labels = dict(Role.choices)
            for row in page.object_list:
                row["role_label"] = labels.get(row["role"], row["role"])
        context.update(
            towns=towns,
            town=town,
            page=page,
            grant_form=GrantRoleForm(),
            role_choices=Role.choices,
        )
        return context


def _town_admin_post(view: Callable) -> Callable:
    """A POST of the roles page: 403 to someone who manages no town, 404 for a
    town that is not theirs; the view gets the town and redirects back to it."""

    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, town_id: int) -> HttpResponse:
        if not can_manage_roles(request.user):
            return _refuse(request)
        town = _access_town(request.user, town_id)
        view(request, town)
        return redirect(f"{reverse('community_roles')}?commune={town.pk}")

    return wrapper


def _told(request: HttpRequest, text: str, user: User, role: str, town) -> None:
    messages.success(
        request,
        text % {"email": user.email, "role": Role(role).label, "town": town.title},
    )


@_town_admin_post
def grant_role(request: HttpRequest, town: TownPage) -> None:
    form = GrantRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(_flat_errors(form)))
        return
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        messages.error(
            request,
            _(
                "Aucun compte n'existe avec l'adresse %(email)s : la personne doit "
                "d'abord s'inscrire."
            )
            % {"email": email},
        )
        return
    actions.do_grant_role(user, town, role)
    _told(request, _("%(email)s est désormais %(role)s de %(town)s."), user, role, town)


@_town_admin_post
def revoke_role(request: HttpRequest, town: TownPage) -> None:
    form = RevokeRoleForm(request.POST)
    user = (
        User.objects.filter(pk=form.cleaned_data["user"]).first()
        if form.is_valid()
        else None
    )
    if user is None:
        raise Http404
    role = form.cleaned_data["role"]
    actions.do_revoke_role(user, town, role)
    _told(request, _("%(email)s n'est plus %(role)s de %(town)s."), user, role, town)


def _flat_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]
