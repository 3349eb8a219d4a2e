"""« Questions aux référents »: thin views over referents.actions and queries.

Every page is for the town's members (`member_required`: anyone else, or a
question of another town, is a 404); every action a plain form POST that
redirects with a message (docs/referents.md).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import add_action_error, member_required
from community.domains import Domain
from community.models import Member
from community.towns import town_or_404
from referents import actions, queries
from referents.forms import AnswerForm, QuestionForm
from referents.models import Question, QuestionState


@member_required
def question_list(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The town's questions, newest first, by domain and state, paginated."""
    domain = request.GET.get("domaine", "")
    state = request.GET.get("etat", "")
    domain = domain if domain in Domain.values else ""
    state = state if state in QuestionState.values else ""
    page, referents = queries.questions_page(
        viewer, domain=domain, state=state, number=request.GET.get("page", "1")
    )
    filters = "&".join(
        f"{key}={value}"
        for key, value in (("domaine", domain), ("etat", state))
        if value
    )
    return render(
        request,
        "referents/question_list.html",
        {
            "viewer": viewer,
            "page": page,
            "referents": referents,
            "domain": domain,
            "state": state,
            "domains": Domain.choices,
            "states": QuestionState.choices,
            "filters": filters,
        },
    )


@member_required
def ask(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The question form; a refusal shows it again with what was typed."""
    form = QuestionForm(
        request.POST or None, initial={"domain": request.GET.get("domaine", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = actions.check_ask_question(viewer, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            messages.success(
                request,
                _("Votre question est posée : les référents du domaine sont prévenus."),
            )
            return redirect(question.get_absolute_url())
    return render(request, "referents/question_form.html", {"form": form})


def _detail(
    request: HttpRequest,
    viewer: Member,
    question: Question,
    answer_form: AnswerForm | None = None,
) -> HttpResponse:
    answers, referents, mine = queries.question_answers(viewer, question)
    return render(
        request,
        "referents/question_detail.html",
        {
            "viewer": viewer,
            "question": question,
            "answers": answers,
            "referents": referents,
            "helped": mine,
            "answer_form": answer_form or AnswerForm(),
            "is_asker": question.author_id == viewer.pk,
            "can_make_tip": queries.can_make_tip(request.user, question),
        },
    )


@member_required
def question_detail(request: HttpRequest, viewer: Member, pk: int) -> HttpResponse:
    return _detail(request, viewer, queries.access_question(viewer, pk))


@require_POST
@member_required
def answer(request: HttpRequest, viewer: Member, pk: int) -> HttpResponse:
    question = queries.access_question(viewer, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            created = actions.check_answer_question(
                viewer, question, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_action_error(form, error, {})
        else:
            messages.success(request, _("Merci pour votre réponse."))
            return redirect(f"{question.get_absolute_url()}#reponse-{created.pk}")
    # The question again, with the form and what the member wrote.
    return _detail(request, viewer, question, form)


@require_POST
@member_required
def helpful(request: HttpRequest, viewer: Member, pk: int) -> HttpResponse:
    target = queries.access_answer(viewer, pk)
    try:
        voted, _count = actions.do_toggle_helpful(viewer, target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Merci : noté, cette réponse vous a aidé.")
            if voted
            else _("C'est retiré."),
        )
    return redirect(f"{target.question.get_absolute_url()}#reponse-{target.pk}")


@require_POST
@member_required
def solution(request: HttpRequest, viewer: Member, pk: int) -> HttpResponse:
    target = queries.access_answer(viewer, pk)
    try:
        actions.check_mark_solution(viewer, target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("C'est noté : votre question est résolue. Merci !"))
    return redirect(f"{target.question.get_absolute_url()}#reponse-{target.pk}")


@require_POST
@login_required
def make_tip(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator of the town makes a draft tip of a solved question."""
    town = town_or_404(request)
    question = (
        Question.objects.filter(pk=pk, town=town, hidden=False)
        .select_related("author", "solution__author", "town")
        .first()
    )
    if question is None:
        raise Http404
    try:
        tip = actions.check_make_tip(request.user, question)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(question.get_absolute_url())
    messages.success(
        request,
        _(
            "L'astuce est créée en brouillon : relisez-la et publiez-la dans "
            "l'administration."
        ),
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[tip.pk]))
