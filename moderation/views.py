"""Residents' pages: report an item, read a decision about oneself and appeal it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common import kinds
from common.views import add_action_error, back_url, member_required
from community.models import Member
from moderation import actions, items, queries
from moderation.forms import AppealForm, ReportForm
from moderation.models import Appeal


@member_required
def report(request: HttpRequest, viewer: Member, kind: str, object_id: int):
    """The report page: the item, the reasons, POST to report it once."""
    if kinds.get(kind) is None:
        raise Http404
    item = items.access_reportable(viewer, kind, object_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_report(
                viewer,
                kind,
                object_id,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_action_error(form, error, {"reason": "reason", "text": "text"})
        else:
            messages.success(
                request,
                _("Merci : votre signalement a été transmis à la modération."),
            )
            return redirect(back_url(request, item.url))
    already = queries.has_reported(viewer, kind, object_id)
    return render(
        request,
        "moderation/report.html",
        {
            "viewer": viewer,
            "item": item,
            "what": items.describe(kind),
            "form": form,
            "already": already,
            "next": request.GET.get("next") or request.POST.get("next") or item.url,
        },
        status=400 if request.method == "POST" else 200,
    )


@member_required
def decision(request: HttpRequest, viewer: Member, decision_id: int) -> HttpResponse:
    """A decision about the viewer, and the form to appeal it once."""
    decision = queries.access_own_decision(viewer, decision_id)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_appeal(viewer, decision, form.cleaned_data["text"])
        except ValidationError as error:
            add_action_error(form, error, {"text": "text"})
        else:
            messages.success(
                request,
                _("Votre recours a été transmis : un modérateur vous répondra."),
            )
            return redirect("moderation:decision", decision_id=decision.pk)
    appeal = Appeal.objects.filter(decision=decision).first()
    return render(
        request,
        "moderation/decision.html",
        {
            "viewer": viewer,
            "decision": decision,
            "appeal": appeal,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
