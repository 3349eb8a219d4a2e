"""Reads of the questions that depend on who asks: the town's list, one
question with its answers, the unanswered ones for the moderators."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from community import roles
from community.domains import Domain
from community.models import Member, Referent
from community.referents import active_referents
from referents.models import Answer, HelpfulVote, Question, QuestionState

QUESTIONS_PER_PAGE = 20
UNANSWERED_AFTER = timedelta(hours=72)


def town_questions(
    viewer: Member, *, domain: str = "", state: str = ""
) -> QuerySet[Question]:
    """The visible questions of the viewer's town, newest first, filtered."""
    questions = Question.objects.filter(town_id=viewer.town_id, hidden=False)
    if domain in Domain.values:
        questions = questions.filter(domain=domain)
    if state == QuestionState.OPEN:
        questions = questions.filter(solution__isnull=True)
    elif state == QuestionState.SOLVED:
        questions = questions.filter(solution__isnull=False)
    return questions.select_related("author").order_by("-created_at", "-pk")


def questions_page(
    viewer: Member, *, domain: str = "", state: str = "", number: str = "1"
) -> tuple[Page, dict[int, Referent]]:
    """One page of the list and the référents among its askers (three queries:
    the count, the page, the référents)."""
    page = Paginator(
        town_questions(viewer, domain=domain, state=state), QUESTIONS_PER_PAGE
    ).get_page(number)
    questions = list(page.object_list)
    referents = active_referents(q.author_id for q in questions)
    for question in questions:
        question.author_referent = referents.get(question.author_id)
    page.object_list = questions
    return page, referents


def access_question(viewer: Member, pk: int) -> Question:
    """A visible question of the viewer's town, else 404 (another town's too)."""
    question = (
        Question.objects.filter(pk=pk, town_id=viewer.town_id, hidden=False)
        .select_related("author", "tip")
        .first()
    )
    if question is None:
        raise Http404
    return question


def access_answer(viewer: Member, pk: int) -> Answer:
    """A visible answer of a visible question of the viewer's town, else 404."""
    answer = (
        Answer.objects.filter(
            pk=pk,
            hidden=False,
            question__town_id=viewer.town_id,
            question__hidden=False,
        )
        .select_related("question", "question__author", "author")
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def question_answers(
    viewer: Member, question: Question
) -> tuple[list[Answer], dict[int, Referent], set[int]]:
    """Its visible answers (the solution first, then the most helpful, then
    the oldest), the référents among the writers and the answers the viewer
    found helpful: three queries."""
    answers = sorted(
        Answer.objects.filter(question=question, hidden=False).select_related("author"),
        key=lambda a: (a.pk != question.solution_id, -a.helpful_count, a.created_at),
    )
    referents = active_referents([question.author_id, *(a.author_id for a in answers)])
    question.author_referent = referents.get(question.author_id)
    for answer in answers:
        answer.author_referent = referents.get(answer.author_id)
    mine = set(
        HelpfulVote.objects.filter(
            member=viewer, answer__in=[a.pk for a in answers]
        ).values_list("answer_id", flat=True)
    )
    return answers, referents, mine


def can_make_tip(user: User | AnonymousUser, question: Question) -> bool:
    return (
        question.solution_id is not None
        and question.tip_id is None
        and roles.is_moderator(user, question.town_id)
    )


def unanswered_questions(user: User | AnonymousUser) -> QuerySet[Question]:
    """Questions without an answer for 72 h, in the towns the user moderates."""
    cutoff = timezone.now() - UNANSWERED_AFTER
    return (
        roles.scope_to_towns(
            Question.objects.filter(
                hidden=False, answer_count=0, created_at__lt=cutoff
            ),
            user,
        )
        .select_related("author", "town")
        .order_by("created_at", "pk")
    )
