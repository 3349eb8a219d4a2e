"""« Mes données »: archive, consents, account deletion, privacy page."""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import add_action_error, member_required
from community import privacy as consent
from community.models import ConsentKind, Member
from mydata import conf, queries
from mydata.actions import exports
from mydata.actions.deletion import check_delete_account
from mydata.forms import DeleteAccountForm, ResearchConsentForm


@member_required
def home(request: HttpRequest, viewer: Member) -> HttpResponse:
    context = {
        "exports": queries.member_exports(viewer),
        "valid_days": conf.get("EXPORT_VALID_DAYS"),
    }
    return render(request, "mydata/home.html", context)


@require_POST
@member_required
def request_export(request: HttpRequest, viewer: Member) -> HttpResponse:
    try:
        exports.check_request_export(viewer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Votre archive est en préparation : elle apparaîtra ici, prête à "
                "télécharger, dans quelques minutes."
            ),
        )
    return redirect("mydata:home")


@member_required
def download_export(
    request: HttpRequest, viewer: Member, export_id: UUID
) -> HttpResponse:
    export = queries.access_export(viewer, export_id)
    if not export.is_downloadable or not storages["exports"].exists(export.file_name):
        raise Http404
    response = FileResponse(
        storages["exports"].open(export.file_name, "rb"),
        as_attachment=True,
        filename=export.file_name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


@member_required
def consents(request: HttpRequest, viewer: Member) -> HttpResponse:
    household = viewer.household
    research_text = consent.current_consent_text(ConsentKind.RESEARCH, viewer.town_id)
    if request.method == "POST" and household is not None:
        if request.POST.get("op") == "withdraw":
            if consent.do_withdraw_research_consent(viewer):
                messages.success(request, _("Consentement pour la recherche retiré."))
            return redirect("mydata:consents")
        form = ResearchConsentForm(request.POST)
        if form.is_valid():
            try:
                consent.check_give_research_consent(
                    viewer, text_id=form.cleaned_data["text_id"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Merci : consentement pour la recherche donné.")
                )
                return redirect("mydata:consents")
        else:
            messages.error(
                request, _("Envoi invalide : rechargez la page et réessayez.")
            )
    context = {
        "household": household,
        "records": consent.household_consents(household) if household else [],
        "member_records": list(viewer.consents.select_related("text")),
        "research_text": research_text,
        "research_given": (
            consent.household_has_research_consent(household) if household else False
        ),
    }
    return render(request, "mydata/consents.html", context)


@member_required
def delete_account(request: HttpRequest, viewer: Member) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_delete_account(
                viewer,
                password=form.cleaned_data["password"],
                mode=form.cleaned_data["mode"],
            )
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            logout(request)
            messages.success(
                request, _("Votre compte a été supprimé. Merci d'avoir participé.")
            )
            return redirect("/")
    household_others = (
        viewer.household.members.exclude(pk=viewer.pk).count()
        if viewer.household_id
        else 0
    )
    return render(
        request,
        "mydata/delete_account.html",
        {"form": form, "household_others": household_others},
    )


def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "event_days": settings.SMARTCITIZEN["EVENT_RETENTION_DAYS"],
        "visit_days": settings.SMARTCITIZEN["VISIT_ADDRESS_RETENTION_DAYS"],
        "export_valid_days": conf.get("EXPORT_VALID_DAYS"),
        "notification_days": conf.get("READ_NOTIFICATION_RETENTION_DAYS"),
        "min_households": conf.get("RESEARCH_MIN_HOUSEHOLDS"),
    }
    return render(request, "mydata/privacy.html", context)
