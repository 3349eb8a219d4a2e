"""Solved questions in the search: the question and its solution, read by the
town's members (the questions' pages are members only, as the feeds)."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from referents.models import Question
from search.registry import Entry, Kind, register


class QuestionKind:
    name = "question"
    label = _("Questions aux référents")
    model = Question
    members_only = True

    def indexable(self) -> QuerySet:
        return Question.objects.filter(
            hidden=False, solution__isnull=False, solution__hidden=False
        ).select_related("solution")

    def entry(self, question: Question) -> Entry | None:
        question = self.indexable().filter(pk=question.pk).first()
        return self._entry(question) if question is not None else None

    def entries(self) -> Iterable[Entry]:
        for question in self.indexable().iterator(chunk_size=1000):
            yield self._entry(question)

    def _entry(self, question: Question) -> Entry:
        solution = question.solution
        return Entry(
            kind=self.name,
            pk=question.pk,
            town_id=question.town_id,
            title=question.title,
            url=question.get_absolute_url(),
            summary=question.body,
            text=solution.body,
            domain=question.domain,
            author_ids=sorted({question.author_id, solution.author_id}),
            published_at=(question.solved_at or question.created_at).isoformat(),
        )

    def dependents(self, pk: int) -> Iterable[tuple[Kind, int]]:
        return []


QUESTIONS = register(QuestionKind())
