"""Residents' report pages: thin views over reports.actions and queries.

The list and a report's page are open to anyone on the town's site (the
public space's problems, never an author's name to visitors); filing, « moi
aussi », following and notes are for the town's members (docs/reports.md).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import add_action_error, back, member_required
from community.models import Member
from community.queries import member_of
from community.towns import town_or_404
from reports import actions, queries
from reports.access import can_work_reports, shows_author
from reports.forms import WHERE_FIELDS, DetailsForm, NoteForm, WhereForm
from reports.models import Report, ReportFollow

PAGE_SIZE = 20
# What step 2's form hands to the action as it is.
FILED = (*WHERE_FIELDS, "description", "anonymous", "photo", "client_key")
# An action's refusal about step 1 goes on top of step 2's form.
WHERE_ERRORS = dict.fromkeys(
    ("category", "address", "position", "neighbourhood"), "__all__"
)


def report_list(request: HttpRequest) -> HttpResponse:
    """The town's reports, newest first, paginated."""
    town = town_or_404(request)
    page = Paginator(queries.visible_reports(town), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/report_list.html",
        {"town": town, "page": page},
    )


# Filing, step 1: what and where.
@member_required
def new_report(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The category and the place; « Modifier » on step 2 comes back here
    with the answers in the query string, and finds them filled in."""
    initial = {name: request.GET[name] for name in WHERE_FIELDS if name in request.GET}
    form = WhereForm(initial=initial, town=viewer.town)
    return _where_page(request, viewer, form)


def _where_page(request: HttpRequest, viewer: Member, form: WhereForm) -> HttpResponse:
    return render(
        request,
        "reports/report_new.html",
        {"form": form, "town": viewer.town, "viewer": viewer},
    )


# Filing, step 2: reports already made nearby, then the details.
@member_required
def new_report_details(request: HttpRequest, viewer: Member) -> HttpResponse:
    town = viewer.town
    if request.method == "POST":
        form = DetailsForm(request.POST, request.FILES, town=town)
        if form.is_valid():
            report = _file(form, viewer)
            if report is not None:
                messages.success(
                    request,
                    _(
                        "Merci : votre signalement est enregistré. Vous serez "
                        "prévenu à chaque étape de son traitement."
                    ),
                )
                return redirect("reports:detail", report_id=report.pk)
        if request.FILES.get("photo"):
            messages.warning(
                request,
                _("Par sécurité, choisissez de nouveau votre photo avant d'envoyer."),
            )
        where = form
    else:
        where = WhereForm(request.GET, town=town)
        if not where.is_valid():
            # Back to step 1 with what was typed and why it was refused.
            return _where_page(request, viewer, where)
        form = DetailsForm(
            initial={name: _raw(where.cleaned_data.get(name)) for name in WHERE_FIELDS},
            town=town,
        )
    data = getattr(where, "cleaned_data", {})
    nearby = []
    if data.get("category") and where.has_position:
        nearby = queries.nearby(
            town,
            data["category"],
            float(data["latitude"]),
            float(data["longitude"]),
        )
    change_url = (
        reverse("reports:new")
        + "?"
        + urlencode(
            {
                name: _raw(form[name].value())
                for name in WHERE_FIELDS
                if form[name].value()
            }
        )
    )
    return render(
        request,
        "reports/report_new_details.html",
        {
            "form": form,
            "town": town,
            "viewer": viewer,
            "where": data,
            "nearby": nearby,
            "nearby_metres": settings.SMARTCITIZEN["REPORT_NEARBY_METRES"],
            "nearby_days": settings.SMARTCITIZEN["REPORT_NEARBY_DAYS"],
            "change_url": change_url,
        },
    )


def _raw(value) -> str:
    """A step 1 answer as it travels in a form or a link: a row's id, or text."""
    if value is None:
        return ""
    return str(getattr(value, "pk", value))


def _file(form: DetailsForm, viewer: Member) -> Report | None:
    data = form.cleaned_data
    try:
        return actions.check_create_report(
            viewer.town, author=viewer, **{name: data[name] for name in FILED}
        )
    except ValidationError as error:
        add_action_error(form, error, WHERE_ERRORS)
        return None


def detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report and its timeline."""
    town = town_or_404(request)
    report = queries.access_report(request.user, town, report_id)
    return _detail_page(request, town, report)


def _detail_page(
    request: HttpRequest, town, report: Report, note_form: NoteForm | None = None
) -> HttpResponse:
    viewer = member_of(request.user)
    if viewer is not None and viewer.town_id != town.pk:
        viewer = None
    follow = (
        ReportFollow.objects.filter(report=report, member=viewer).first()
        if viewer is not None
        else None
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "town": town,
            "report": report,
            "viewer": viewer,
            "updates": queries.timeline(report),
            "show_author": shows_author(request.user, report),
            "is_staff": can_work_reports(request.user, town.pk),
            "follow": follow,
            "note_form": note_form or NoteForm(),
        },
    )


def _member_report(viewer: Member, request: HttpRequest, report_id: int) -> Report:
    return queries.access_report(request.user, viewer.town, report_id)


@require_POST
@member_required
def me_too(request: HttpRequest, viewer: Member, report_id: int) -> HttpResponse:
    report = _member_report(viewer, request, report_id)
    try:
        counted = actions.do_me_too(viewer, report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back(request, reverse("reports:detail", args=[report.pk]))
    if counted:
        messages.success(
            request,
            _(
                "Merci : votre « moi aussi » est compté. Vous suivez ce "
                "signalement et serez prévenu de son traitement."
            ),
        )
    else:
        messages.info(request, _("Vous avez déjà signalé ou constaté ce problème."))
    return back(request, reverse("reports:detail", args=[report.pk]))


@require_POST
@member_required
def follow(request: HttpRequest, viewer: Member, report_id: int) -> HttpResponse:
    report = _member_report(viewer, request, report_id)
    following = request.POST.get("follow") != "0"
    actions.do_follow(viewer, report, following)
    messages.success(
        request,
        _("Vous suivez ce signalement.")
        if following
        else _("Vous ne suivez plus ce signalement."),
    )
    return back(request, reverse("reports:detail", args=[report.pk]))


@require_POST
@member_required
def add_note(request: HttpRequest, viewer: Member, report_id: int) -> HttpResponse:
    report = _member_report(viewer, request, report_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            update = actions.check_add_note(
                viewer,
                report,
                form.cleaned_data["note"],
                form.cleaned_data["client_key"],
            )
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            messages.success(request, _("Votre précision est ajoutée."))
            url = reverse("reports:detail", args=[report.pk])
            return redirect(f"{url}#update-{update.pk}")
    return _detail_page(request, viewer.town, report, form)
