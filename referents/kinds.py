"""What the référents' questions register with the layers below: the content
kinds moderation handles (a question, an answer), the search kind of solved
questions, and their part of « Mes données » (export and erasure).

Called once from ReferentsConfig.ready().
"""

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from common import kinds
from common.archive import Archive, Erasure, rows
from common.kinds import ContentKind, Shown
from community.models import Member
from referents import actions
from referents.models import Answer, HelpfulVote, Question
from referents.search_kinds import QUESTIONS


def _load_question(pk: int) -> Question | None:
    return Question.objects.filter(pk=pk).select_related("author").first()


def _show_question(question: Question) -> Shown:
    return Shown(
        town_id=question.town_id,
        author=question.author,
        neighbourhood_id=None,
        text=f"{question.title}\n{question.body}".strip(),
        url=question.get_absolute_url(),
        hidden=question.hidden,
    )


def _load_answer(pk: int) -> Answer | None:
    return Answer.objects.filter(pk=pk).select_related("author", "question").first()


def _show_answer(answer: Answer) -> Shown:
    question = answer.question
    return Shown(
        town_id=question.town_id,
        author=answer.author,
        neighbourhood_id=None,
        text=answer.body,
        url=f"{question.get_absolute_url()}#reponse-{answer.pk}",
        hidden=answer.hidden,
        context=question.title,
    )


def export_member(member: Member, archive: Archive) -> None:
    """questions.json: the member's questions, answers and « m'a aidé »."""
    section = archive.section("questions.json")
    section["questions"] = rows(
        Question.objects.filter(author=member),
        ["id", "domain", "title", "body", "created_at", "solved_at", "hidden"],
    )
    section["reponses"] = rows(
        Answer.objects.filter(author=member),
        ["id", "question_id", "body", "created_at", "helpful_count", "hidden"],
    )
    section["reponses_utiles"] = rows(
        HelpfulVote.objects.filter(member=member), ["answer_id", "created_at"]
    )


def erase_member(erasure: Erasure) -> None:
    """The member's « m'a aidé » go; their questions and answers go too when
    they chose to remove their content, else they stay signed « ancien membre »."""
    member = erasure.member
    voted = HelpfulVote.objects.filter(member=member)
    # One vote per answer and member: each answer voted loses one.
    Answer.objects.filter(pk__in=voted.values("answer_id")).update(
        helpful_count=F("helpful_count") - 1
    )
    voted.delete()
    if not erasure.remove:
        Question.objects.filter(author=member).update(author=erasure.former)
        Answer.objects.filter(author=member).update(author=erasure.former)
        return
    answered = (
        Answer.objects.filter(author=member)
        .values("question_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in answered:
        Question.objects.filter(pk=row["question_id"]).update(
            answer_count=F("answer_count") - row["n"]
        )
    Answer.objects.filter(author=member).delete()
    Question.objects.filter(author=member).delete()


def register_all() -> None:
    """Called once from ReferentsConfig.ready()."""
    kinds.register(
        ContentKind(
            name="question",
            described=_("cette question"),
            label=_("Question aux référents"),
            model=Question,
            load=_load_question,
            show=_show_question,
            reportable=lambda reporter, question: not question.hidden,
            hide=actions.do_hide_question,
            restore=actions.do_restore_question,
            search=QUESTIONS,
        )
    )
    kinds.register(
        ContentKind(
            name="answer",
            described=_("cette réponse"),
            label=_("Réponse à une question"),
            model=Answer,
            load=_load_answer,
            show=_show_answer,
            reportable=lambda reporter, answer: not answer.hidden,
            hide=actions.do_hide_answer,
            restore=actions.do_restore_answer,
        )
    )
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- questions.json : vos questions aux "
            "référents, vos réponses et celles qui\n"
            "  vous ont aidé ;"
        ),
    )
    kinds.register_member_eraser(erase_member)
