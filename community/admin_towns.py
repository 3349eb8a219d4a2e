"""Admin lists of town data, scoped to the towns of the staff member's roles.

A snippet viewset that mixes in `TownScopedViewSet` and names the path from its
model to the town (`town_field`) shows only the rows of the towns where the
user holds one of `town_roles`; every URL of one row (edit, delete, inspect,
history, usage, copy…) and its chooser answer 404 for another town's row, as
for a missing one; the foreign-key choices of its form offer only those towns'
rows. A superuser sees every town and gets a « Commune » filter (a plain
select: it works without JavaScript); so does anyone holding roles in several.
"""

from collections.abc import Callable

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from community import roles
from community.models import Household, Member, Neighbourhood, Role, TownPage

MODERATION_ROLES = (Role.MODERATOR, Role.TOWN_ADMIN)

# How a form's choice of a row of these models reaches the town; other apps add
# theirs through `TownScopedViewSet.choice_town_paths`.
CHOICE_TOWN_PATHS: dict[type, str] = {
    TownPage: "pk",
    Neighbourhood: "town",
    Household: "neighbourhood__town",
    Member: "town",
}


def pages_in_towns(pages, user, roles_held=MODERATION_ROLES):
    """The pages under the towns where the user holds one of `roles_held` (a
    superuser: all): one condition on the tree paths, not one query per town."""
    if user.is_superuser:
        return pages
    paths = TownPage.objects.filter(
        pk__in=roles.town_ids_where(user, *roles_held)
    ).values_list("path", flat=True)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return pages.filter(condition)


def town_choices(request: HttpRequest, roles_held=MODERATION_ROLES):
    """The towns a staff member may filter a list by."""
    return roles.scope_to_towns(
        TownPage.objects.order_by("title"), request.user, field="pk", roles=roles_held
    )


_DASHBOARD_TOWN = "_smartcitizen_dashboard_town"


def dashboard_town(request: HttpRequest) -> TownPage | None:
    """The town the admin home's panels are narrowed to (`?town=`), or None:
    every town of the user's moderation roles. Only one of those towns is
    taken, so a forged id of another town changes nothing; read once per
    request (every panel asks)."""
    if not hasattr(request, _DASHBOARD_TOWN):
        chosen = request.GET.get("town", "")
        town = None
        if chosen.isdigit():
            town = town_choices(request).filter(pk=int(chosen)).first()
        setattr(request, _DASHBOARD_TOWN, town)
    return getattr(request, _DASHBOARD_TOWN)


def town_filter(field: str, roles_held=MODERATION_ROLES) -> django_filters.Filter:
    """The « Commune » filter of a list, over the path `field` to the town."""
    return django_filters.ModelChoiceFilter(
        label=_("Commune"),
        field_name=field,
        queryset=lambda request: town_choices(request, roles_held),
        empty_label=_("Toutes"),
    )


class TownFilterSetMixin:
    """Every choice of town data in the user's towns; the « Commune » filter
    only for someone who sees several towns."""

    choice_town_paths: dict[type, str] = CHOICE_TOWN_PATHS
    town_roles: tuple[str, ...] = MODERATION_ROLES

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if "town" in self.filters and not (
            user is not None and (user.is_superuser or len(roles.town_roles(user)) > 1)
        ):
            del self.filters["town"]
        for name, choice in self.filters.items():
            if name == "town" or not isinstance(
                choice, django_filters.ModelChoiceFilter
            ):
                continue
            queryset = choice.get_queryset(request)
            path = self.choice_town_paths.get(queryset.model)
            if path is not None and user is not None:
                choice.queryset = roles.scope_to_towns(
                    queryset, user, field=path, roles=self.town_roles
                )


def town_filterset(
    model: type,
    field: str,
    fields: list[str] | tuple[str, ...] = (),
    base: type = WagtailFilterSet,
    roles_held=MODERATION_ROLES,
) -> type:
    """A filterset of `model` with a « Commune » filter first, then `fields`."""
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(
        f"{model.__name__}TownFilterSet",
        (TownFilterSetMixin, base),
        {
            "town": town_filter(field, roles_held),
            "town_roles": roles_held,
            "Meta": meta,
        },
    )


class TownScopedForm(WagtailAdminModelForm):
    """Every foreign-key choice limited to the user's towns."""

    choice_town_paths: dict[type, str] = CHOICE_TOWN_PATHS
    town_roles: tuple[str, ...] = MODERATION_ROLES

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        for field in self.fields.values():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            _tolerate_non_ids(field.widget)
            path = self.choice_town_paths.get(field.queryset.model)
            if path is not None:
                field.queryset = roles.scope_to_towns(
                    field.queryset, user, field=path, roles=self.town_roles
                )


def _object_guard(view: Callable, allowed: Callable) -> Callable:
    """`view`, answering 404 when the row its `pk` names is outside the user's towns."""

    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        pk = kwargs.get("pk")
        if pk is not None:
            try:
                found = allowed(request).filter(pk=unquote(str(pk))).exists()
            except (ValueError, TypeError):  # not an id at all
                found = False
            if not found:
                raise Http404
        return view(request, *args, **kwargs)

    guarded.__name__ = getattr(view, "__name__", "view")
    guarded.__doc__ = view.__doc__
    return guarded


def _instance_or_none(get_instance: Callable, value):
    """Wagtail's choosers (pages, snippets) re-render a refused form by looking
    the sent value up as an id: one that is not an id at all shows as « nothing
    chosen » beside the field's error, instead of a 500."""
    try:
        return get_instance(value)
    except (ValueError, TypeError):
        return None


def _tolerate_non_ids(widget) -> None:
    """The same for a chooser widget of a scoped form (a page chooser too)."""
    original = getattr(widget, "get_instance", None)
    if original is not None and not isinstance(widget, TolerantSnippetChooser):
        widget.get_instance = lambda value: _instance_or_none(original, value)


class TolerantSnippetChooser(AdminSnippetChooser):
    """Wagtail's snippet chooser, wherever it is used, tolerant of non-ids."""

    def get_instance(self, value):
        return _instance_or_none(super().get_instance, value)


def scoped_chooser_viewset(scope: Callable) -> type:
    """A snippet chooser offering only the rows `scope(request, queryset)` keeps."""

    class Choose(ChooseView):
        def get_object_list(self):
            return scope(self.request, super().get_object_list())

    class ChooseResults(ChooseResultsView):
        def get_object_list(self):
            return scope(self.request, super().get_object_list())

    class ChosenMultiple(SnippetChosenMultipleView):
        def get(self, request, *args, **kwargs):
            self.scope_request = request
            return super().get(request, *args, **kwargs)

        def get_objects(self, pks):
            return scope(self.scope_request, super().get_objects(pks))

    class TownScopedChooserViewSet(SnippetChooserViewSet):
        base_widget_class = TolerantSnippetChooser
        choose_view_class = Choose
        choose_results_view_class = ChooseResults
        chosen_multiple_view_class = ChosenMultiple

        @property
        def create_view(self):
            # Rows of a town are created by their own view set's form (which
            # sets and checks the town); the chooser has no creation form, and
            # Wagtail's generic one answered a POST with a server error.
            def no_creation(request, *args, **kwargs):
                raise Http404

            return no_creation

        def construct_view(self, view_class, **kwargs):
            view = super().construct_view(view_class, **kwargs)
            return _object_guard(
                view,
                lambda request: scope(request, self.model._default_manager.all()),
            )

    return TownScopedChooserViewSet


class TownScopedViewSet:
    """Mix into a SnippetViewSet: its rows, URLs, chooser and form stay in the
    user's towns (`town_field`: the model's path to the town)."""

    town_field: str = "town"
    town_roles: tuple[str, ...] = MODERATION_ROLES
    choice_town_paths: dict[type, str] = {}

    def scope(self, request: HttpRequest, queryset):
        """One condition on the query (none for a superuser): never one per town."""
        return roles.scope_to_towns(
            queryset, request.user, field=self.town_field, roles=self.town_roles
        )

    def base_queryset(self, request: HttpRequest):
        """What the list shows before scoping (select_related for its columns)."""
        return self.model._default_manager.all()

    def get_queryset(self, request: HttpRequest):
        return self.scope(request, self.base_queryset(request))

    def construct_view(self, view_class, **kwargs):
        view = super().construct_view(view_class, **kwargs)
        return _object_guard(
            view, lambda request: self.scope(request, self.model._default_manager)
        )

    @property
    def chooser_viewset_class(self):
        return scoped_chooser_viewset(self.scope)

    @property
    def filterset_class(self):
        fields = self.list_filter
        if not isinstance(fields, list | tuple):
            fields = ()
        return town_filterset(
            self.model, self.town_field, fields, roles_held=self.town_roles
        )

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        form_class = edit_handler.base_form_class or getattr(
            self.model, "base_form_class", WagtailAdminModelForm
        )
        edit_handler.base_form_class = type(
            f"{self.model.__name__}TownScopedForm",
            (TownScopedForm, form_class),
            {
                "choice_town_paths": {**CHOICE_TOWN_PATHS, **self.choice_town_paths},
                "town_roles": self.town_roles,
            },
        )
        return edit_handler


class TownRolePermissionPolicy(ModelPermissionPolicy):
    """The holders of `town_roles` (and superusers) may do `actions` on the
    rows of their towns: the role is enough, no model permission is needed."""

    town_roles: tuple[str, ...] = MODERATION_ROLES
    actions: frozenset[str] = frozenset({"add", "change", "delete", "view"})

    def user_has_permission(self, user, action):
        return action in self.actions and roles.holds_anywhere(user, *self.town_roles)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and roles.has_role(
            user, instance.town_id, *self.town_roles
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return roles.scope_to_towns(
            self.model._default_manager.all(), user, roles=self.town_roles
        )


def superusers_only(view: Callable) -> Callable:
    """An admin view that no town scoping reaches: the admin's own door first
    (log-in, admin access, as for every admin URL), then superusers only (403)."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_admin_access(wrapped)
