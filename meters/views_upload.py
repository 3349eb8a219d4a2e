"""« Mes compteurs »: the page, a meter file's upload, its preview and confirmation.

Thin: parse, authorise (views_common / meters.queries), call one action, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from meters import actions, queries
from meters.errors import MeterFileError, MeterUploadError
from meters.forms import MeterFileForm
from meters.models import MeterUpload, UploadStatus
from meters.views_common import (
    access_member_household,
    render_home,
    summary_view,
)


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest) -> HttpResponse:
    member, household = access_member_household(request)
    # What waited for a core that did not answer goes first, so the page shows
    # it stored. Bounded by the action: nothing is tried while the core is down.
    actions.send_pending_readings(household, limit=actions.PENDING_BATCH)
    return render_home(request, member, household)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    member, household = access_member_household(request)
    if request.method != "POST":
        return redirect("meters:home")
    form = MeterFileForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data["file"]
        try:
            pending = actions.check_preview_upload(
                member,
                household,
                data=data.read(),
                filename=data.name or "",
                keep_file=form.cleaned_data["keep_file"],
            )
        except MeterFileError as error:
            # The French message names the line; nothing of the file was kept.
            form.add_error("file", str(error))
        else:
            return redirect("meters:preview", upload_id=pending.pk)
    return render_home(request, member, household, file_form=form)


def _stored_message(upload: MeterUpload) -> str:
    if upload.status != UploadStatus.STORED:
        return _(
            "Le calcul de vos consommations ne répond pas pour l'instant : votre "
            "fichier est en attente et sera enregistré dès son retour, sans que vous "
            "ayez à le renvoyer."
        )
    result = upload.result or {}
    created = int(result.get("days_created", 0) or 0)
    replaced = int(result.get("days_replaced", 0) or 0)
    unchanged = int(result.get("days_unchanged", 0) or 0)
    parts = [
        ngettext("%(count)s jour ajouté", "%(count)s jours ajoutés", created)
        % {"count": created}
    ]
    if replaced:
        parts.append(
            ngettext("%(count)s jour remplacé", "%(count)s jours remplacés", replaced)
            % {"count": replaced}
        )
    if unchanged:
        parts.append(
            ngettext(
                "%(count)s jour déjà connu, inchangé",
                "%(count)s jours déjà connus, inchangés",
                unchanged,
            )
            % {"count": unchanged}
        )
    summary = summary_view(upload.summary)
    return _("Fichier enregistré %(period)s : %(detail)s.") % {
        "period": summary["period"],
        "detail": ", ".join(parts),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preview(request: HttpRequest, upload_id: str) -> HttpResponse:
    member, household = access_member_household(request)
    upload = queries.access_upload(member, upload_id)
    if request.method == "POST":
        if upload.status != UploadStatus.PENDING:
            # A second click, or a back button: what was decided stays decided.
            messages.info(request, _("Ce fichier a déjà été traité."))
            return redirect("meters:home")
        try:
            if request.POST.get("decision") == "confirm":
                upload = actions.do_confirm_upload(member, upload)
                messages.success(request, _stored_message(upload))
            else:
                actions.do_cancel_upload(member, upload)
                messages.info(request, _("Fichier annulé : rien n'a été enregistré."))
        except MeterUploadError as error:
            messages.error(request, error.message)
        return redirect("meters:home")
    summary = summary_view(upload.summary)
    return render(
        request,
        "meters/preview.html",
        {
            "household": household,
            "upload": upload,
            "summary": summary,
            "pending": upload.status == UploadStatus.PENDING,
        },
    )
