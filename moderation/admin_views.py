"""The moderation queue's case page and its POST actions, in the Wagtail admin."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.snippets.views.snippets import InspectView

from community import roles
from moderation import actions, items, queries
from moderation.forms import AppealAnswerForm, DecisionForm
from moderation.models import (
    Appeal,
    AppealState,
    Decision,
    OriginalContent,
    ReportGroup,
)


class CaseView(InspectView):
    """A reported item: the content, its context, the reporters, the author's
    history, earlier decisions on it, and the forms of every action."""

    template_name = "moderation/admin/case.html"

    def get_object(self, queryset=None):
        # A case of a town the user does not moderate: 404, as for an unknown id.
        return get_object_or_404(
            queries.queue(self.request.user), pk=unquote(str(self.pk))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group: ReportGroup = self.object
        item = items.load(group.kind, group.object_id)
        context.update(
            {
                "group": group,
                "item": item,
                "reports": queries.reports_of(group),
                "history": queries.author_history(group.author),
                "item_decisions": list(
                    Decision.objects.filter(kind=group.kind, object_id=group.object_id)
                    .select_related("moderator")
                    .prefetch_related("originals")[:20]
                ),
                "appeals": list(
                    Appeal.objects.filter(
                        decision__kind=group.kind,
                        decision__object_id=group.object_id,
                        state=AppealState.PENDING,
                    ).select_related("decision", "member")
                ),
                "form": DecisionForm(),
                "answer_form": AppealAnswerForm(),
                "originals": OriginalContent.objects.filter(
                    kind=group.kind, object_id=group.object_id
                )[:5],
            }
        )
        return context


def _moderator_or_403(request: HttpRequest) -> None:
    if not roles.holds_anywhere(
        request.user, roles.Role.MODERATOR, roles.Role.TOWN_ADMIN
    ):
        raise PermissionDenied


@require_POST
def decide(request: HttpRequest, group_id: int) -> HttpResponse:
    """Apply one action of the queue to a case; the action checks the rights."""
    _moderator_or_403(request)
    # Another town's case answers as a missing one.
    group = get_object_or_404(queries.queue(request.user), pk=group_id)
    case_url = redirect("moderation_reportgroup:inspect", group.pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une action et son motif."))
        return case_url
    data = form.cleaned_data
    item = items.load(group.kind, group.object_id)
    if item is None:
        messages.error(request, _("Cet élément n'existe plus."))
        return case_url
    user, reason, action = request.user, data["reason"], data["action"]
    try:
        if action == "dismiss":
            actions.do_dismiss(user, group, reason)
        elif action == "hide":
            actions.do_hide(user, item, reason, group)
        elif action == "restore":
            actions.do_restore(user, item, reason, group)
        elif action == "edit":
            actions.do_edit(user, item, data["body"] or "", reason, group)
        elif action == "warn":
            actions.do_warn(user, item, reason, group)
        elif action == "suspend":
            actions.do_suspend(user, item, data["days"] or 0, reason, group)
        elif action == "ban":
            actions.do_ban(user, item, reason, group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return case_url
    messages.success(request, _("Décision enregistrée et notifiée."))
    return case_url


@require_POST
def answer_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Grant or reject an appeal from the case page."""
    _moderator_or_403(request)
    appeal = get_object_or_404(queries.appeals(request.user), pk=appeal_id)
    form = AppealAnswerForm(request.POST)
    back = request.POST.get("group")
    target = (
        redirect("moderation_reportgroup:inspect", int(back))
        if back and back.isdigit()
        else redirect("moderation_appeal:list")
    )
    if not form.is_valid():
        messages.error(request, _("Indiquez votre réponse au membre."))
        return target
    try:
        actions.do_answer_appeal(
            request.user,
            appeal,
            granted=form.cleaned_data["granted"] == "1",
            answer=form.cleaned_data["answer"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return target
    messages.success(request, _("Réponse enregistrée et notifiée."))
    return target
