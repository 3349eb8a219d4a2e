"""The town staff's side of reports in the Wagtail admin: the categories' form,
the queue of reports of their towns (« Signalements ») and one report's page
with the « Changer l'état » form. Thin: reads scoped to the towns where the
user works reports (reports.access.WORKERS), one action per POST."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from common.views import add_action_error, back_url
from community import roles
from community.models import Neighbourhood, TownPage
from reports import actions
from reports.access import WORKERS
from reports.models import (
    NOTE_MAX_LENGTH,
    OPEN_STATES,
    Report,
    ReportCategory,
    ReportState,
)

QUEUE_PER_PAGE = 30
# The queue's default: what is still to do.
TO_DO = ""
ALL_STATES = "all"


def works_reports_somewhere(user) -> bool:
    """A service agent, moderator or administrator of some town (a superuser)."""
    return user.is_active and roles.holds_anywhere(user, *WORKERS)


def staff_reports(user) -> QuerySet[Report]:
    """Every report of the towns where the user works reports, hidden ones too
    (one condition on the query, none for a superuser)."""
    return roles.scope_to_towns(Report.objects.all(), user, roles=WORKERS)


def access_staff_report(user, report_id: int) -> Report:
    """A report of one of the user's towns; Http404 otherwise, as for a
    missing one."""
    report = (
        staff_reports(user)
        .select_related(
            "town", "category", "author", "neighbourhood", "duplicate_of", "api_key"
        )
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


class ReportCategoryForm(WagtailAdminModelForm):
    """A category's form: its service code is the town's only one by that name
    (Open311 clients know a category by it), said in a clear message."""

    def clean(self) -> dict:
        data = super().clean()
        town, code = data.get("town"), data.get("service_code")
        if town is not None and code:
            taken = (
                ReportCategory.objects.filter(town=town, service_code__iexact=code)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if taken is not None:
                self.add_error(
                    "service_code",
                    gettext(
                        "Le code « %(code)s » est déjà celui de la catégorie "
                        "« %(name)s » dans cette commune : choisissez-en un autre."
                    )
                    % {"code": code, "name": taken.name},
                )
        # A field with an error is left out of the model's own checks: the
        # constraint's generic message does not come on top of this one.
        return data


class QueueFilterForm(forms.Form):
    """The queue's filters, every choice in the user's towns; plain selects
    (they work without JavaScript)."""

    town = forms.ModelChoiceField(
        label=_("Commune"), queryset=None, required=False, empty_label=_("Toutes")
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=None, required=False, empty_label=_("Toutes")
    )
    state = forms.ChoiceField(label=_("État"), required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartier"), queryset=None, required=False, empty_label=_("Tous")
    )

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        several = user.is_superuser or len(roles.town_ids_where(user, *WORKERS)) > 1
        if several:
            self.fields["town"].queryset = town_choices_of(user)
        else:
            del self.fields["town"]
        self.fields["category"].queryset = roles.scope_to_towns(
            ReportCategory.objects.select_related("town"), user, roles=WORKERS
        )
        if several:
            self.fields["category"].label_from_instance = lambda category: (
                f"{category.name} ({category.town.title})"
            )
        self.fields["neighbourhood"].queryset = roles.scope_to_towns(
            Neighbourhood.objects.order_by("name"), user, roles=WORKERS
        )
        self.fields["state"].choices = [
            (TO_DO, gettext("À traiter (ouverts et pris en charge)")),
            *ReportState.choices,
            (ALL_STATES, gettext("Tous")),
        ]

    def filter(self, reports: QuerySet[Report]) -> QuerySet[Report]:
        """The reports the filters keep (the defaults when a value is wrong:
        the queue never answers an error for a stale link)."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state", TO_DO)
        if state == TO_DO:
            reports = reports.filter(state__in=OPEN_STATES)
        elif state != ALL_STATES:
            reports = reports.filter(state=state)
        for field in ("town", "category", "neighbourhood"):
            if data.get(field) is not None:
                reports = reports.filter(**{field: data[field]})
        return reports


def town_choices_of(user) -> QuerySet[TownPage]:
    """The towns where the user works reports (all of them for a superuser)."""
    return roles.scope_to_towns(
        TownPage.objects.order_by("title"), user, field="pk", roles=WORKERS
    )


def queue(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Oldest open reports first, then the others, oldest first too."""
    open_first = Case(
        When(state__in=OPEN_STATES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return reports.select_related("town", "category", "neighbourhood").order_by(
        open_first, "created_at", "id"
    )


class StaffOnlyMixin:
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not works_reports_somewhere(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class QueueView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The reports of the user's towns, filtered, oldest open first."""

    template_name = "reports/admin/queue.html"
    page_title = _("Signalements")
    header_icon = "crosshairs"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        filters = QueueFilterForm(self.request.GET or None, user=self.request.user)
        reports = queue(filters.filter(staff_reports(self.request.user)))
        page = Paginator(reports, QUEUE_PER_PAGE).get_page(self.request.GET.get("p"))
        kept = {
            name: value
            for name, value in self.request.GET.items()
            if name in filters.fields and value
        }
        context.update(
            filter_form=filters,
            page=page,
            show_town="town" in filters.fields,
            filter_query=urlencode(kept),
            here=self.request.get_full_path(),
        )
        return context


class StateChangeForm(forms.Form):
    """« Changer l'état »: the new state, the note every follower reads, and
    the report kept when this one is a duplicate."""

    state = forms.ChoiceField(label=_("Nouvel état"), choices=ReportState.choices)
    note = forms.CharField(
        label=_("Note (publiée dans l'historique du signalement)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
    )
    duplicate_of = forms.IntegerField(
        label=_("Doublon du nº"),
        help_text=_("Seulement pour l'état « doublon » : le signalement conservé."),
        required=False,
        min_value=1,
    )


class ReportAdminView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """One report for the town's staff: its author and contact, its photo,
    its timeline, and the form that changes its state."""

    template_name = "reports/admin/report.html"
    header_icon = "crosshairs"

    def setup(self, request: HttpRequest, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        self.report: Report | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if works_reports_somewhere(request.user):
            self.report = access_staff_report(request.user, kwargs["report_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return gettext("Signalement nº %(number)s") % {"number": self.report.pk}

    def get_page_subtitle(self) -> str:
        return self.report.category.name

    def get_breadcrumbs_items(self) -> list:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("reports_queue"), "label": gettext("Signalements")},
            {"url": "", "label": self.get_page_title()},
        ]

    def back(self) -> str:
        """The queue the agent came from (its filters kept), else the queue."""
        queue_url = reverse("reports_queue")
        target = back_url(self.request, queue_url)
        return target if target.startswith(queue_url) else queue_url

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        report = self.report
        form = StateChangeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            duplicate_of = None
            if data["duplicate_of"]:
                duplicate_of = Report.objects.filter(
                    town=report.town_id, pk=data["duplicate_of"]
                ).first()
            try:
                actions.check_change_state(
                    request.user,
                    report,
                    data["state"],
                    data["note"],
                    duplicate_of=duplicate_of,
                    staff_label=report.category.service_name,
                )
            except ValidationError as error:
                add_action_error(form, error, {})
            else:
                messages.success(
                    request,
                    gettext("Signalement nº %(number)s : « %(state)s », note publiée.")
                    % {"number": report.pk, "state": report.get_state_display()},
                )
                return redirect(self.back())
        return self.render_to_response(
            self.get_context_data(form=form, next=self.back()), status=400
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        report = self.report
        context.setdefault(
            "form",
            StateChangeForm(
                initial={
                    "state": report.state,
                    "duplicate_of": report.duplicate_of_id,
                }
            ),
        )
        context.setdefault("next", self.request.GET.get("next", ""))
        context.update(
            report=report,
            updates=list(
                report.updates.select_related("author", "staff").order_by(
                    "created_at", "id"
                )
            ),
            duplicates=list(
                report.duplicates.order_by("pk").values_list("pk", flat=True)
            ),
            contact=_contact_lines(report.contact),
        )
        return context


CONTACT_LABELS = {
    "first_name": _("Prénom"),
    "last_name": _("Nom"),
    "email": _("Courriel"),
    "phone": _("Téléphone"),
}


def _contact_lines(contact: object) -> list[tuple[str, str]]:
    """What an Open311 client said of the person, labelled (staff only)."""
    if not isinstance(contact, dict):
        return []
    return [
        (str(CONTACT_LABELS.get(key, key)), str(value))
        for key, value in contact.items()
        if value not in (None, "")
    ]
