"""Every write to the référents' questions and answers goes through here."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.coreutils import find_available_slug

from common import trust
from common.notify import send_notification, translatable_excerpt
from common.ratelimit import check_rate
from community import roles
from community.domains import Domain
from community.models import Member
from community.referents import referents_of_domain
from referents.models import Answer, HelpfulVote, Question
from referents.search_kinds import QUESTIONS
from search.indexing import schedule_sync
from tips.models import TipPage
from tips.queries import tip_index_for_town

TITLE_MAX = 160
BODY_MAX = 4000


def _clean(text: str, field: str, limit: int, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("Ce champ est obligatoire.")}, code="required")
    if len(text) > limit:
        raise ValidationError(
            {field: _("%(limit)d caractères au plus.") % {"limit": limit}},
            code="too_long",
        )
    return text


def _excerpt(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(120)


def _notify(user_id: int, actor: Member, verb: str, question: Question, **data) -> None:
    """One notification about a question (`data`: kind, url, excerpt…)."""
    send_notification(
        user_id,
        actor=actor,
        verb=verb,
        target=question,
        data={"url": question.get_absolute_url(), "title": question.title, **data},
    )


def _check_same_town(member: Member, question: Question) -> None:
    """Another town's question, or a hidden one, is missing for the member."""
    if question.town_id != member.town_id or question.hidden:
        raise PermissionDenied


def check_ask_question(
    member: Member, *, domain: str, title: str, body: str = ""
) -> Question:
    """Ask a question in a domain; the domain's référents are notified."""
    if domain not in Domain.values:
        raise ValidationError(
            {"domain": _("Choisissez parmi les domaines proposés.")}, code="domain"
        )
    title = _clean(title, "title", TITLE_MAX, required=True)
    body = _clean(body, "body", BODY_MAX, required=False)
    trust.check_can_post(member, body=f"{title}\n{body}")
    check_rate(member, "post")
    with transaction.atomic():
        question = Question.objects.create(
            town_id=member.town_id,
            author=member,
            domain=domain,
            title=title,
            body=body,
        )
        for referent in referents_of_domain(member.town_id, domain):
            if referent.member_id == member.pk:
                continue
            _notify(
                referent.member.user_id,
                member,
                "question",
                question,
                kind="question",
                excerpt=_excerpt(question.title),
            )
    return question


def check_answer_question(member: Member, question: Question, *, body: str) -> Answer:
    """Answer a question (any member of its town); the asker is notified."""
    _check_same_town(member, question)
    body = _clean(body, "body", BODY_MAX, required=True)
    trust.check_can_comment(member, body=body)
    check_rate(member, "comment")
    with transaction.atomic():
        answer = Answer.objects.create(question=question, author=member, body=body)
        Question.objects.filter(pk=question.pk).update(
            answer_count=F("answer_count") + 1
        )
        if question.author_id != member.pk:
            _notify(
                question.author.user_id,
                member,
                "answer",
                question,
                kind="answer",
                url=f"{question.get_absolute_url()}#reponse-{answer.pk}",
                excerpt=_excerpt(body),
            )
    return answer


def do_toggle_helpful(member: Member, answer: Answer) -> tuple[bool, int]:
    """« Cette réponse m'a aidé », or take it back; answer (voted, count)."""
    question = answer.question
    _check_same_town(member, question)
    if answer.hidden:
        raise PermissionDenied
    if answer.author_id == member.pk:
        raise ValidationError(
            _("Vous ne pouvez pas dire que votre propre réponse vous a aidé."),
            code="own_answer",
        )
    with transaction.atomic():
        # The answer row locked: concurrent votes count right.
        Answer.objects.select_for_update().filter(pk=answer.pk).first()
        deleted, _rows = HelpfulVote.objects.filter(
            answer=answer, member=member
        ).delete()
        if deleted:
            Answer.objects.filter(pk=answer.pk).update(
                helpful_count=F("helpful_count") - 1
            )
            voted = False
        else:
            try:
                with transaction.atomic():
                    HelpfulVote.objects.create(answer=answer, member=member)
            except IntegrityError:  # pragma: no cover - the lock prevents it
                pass
            Answer.objects.filter(pk=answer.pk).update(
                helpful_count=F("helpful_count") + 1
            )
            voted = True
        answer.refresh_from_db(fields=["helpful_count"])
    return voted, answer.helpful_count


def check_mark_solution(member: Member, answer: Answer) -> Question:
    """The asker marks one answer as the solution: the question is solved."""
    question = answer.question
    _check_same_town(member, question)
    if question.author_id != member.pk:
        raise PermissionDenied
    if answer.hidden:
        raise ValidationError(
            _("Cette réponse a été masquée par la modération."), code="hidden"
        )
    if question.solution_id == answer.pk:
        return question
    with transaction.atomic():
        question.solution = answer
        question.solved_at = timezone.now()
        # save(): the search index follows (post_save), solved questions only.
        question.save(update_fields=["solution", "solved_at"])
        if answer.author_id != member.pk:
            _notify(
                answer.author.user_id,
                member,
                "answer",
                question,
                kind="solution",
                url=f"{question.get_absolute_url()}#reponse-{answer.pk}",
                excerpt=_excerpt(question.title),
                **translatable_excerpt(
                    gettext_noop("Votre réponse à « %(title)s » est la solution."),
                    {"title": _excerpt(question.title)},
                ),
            )
    return question


def _tip_body(question: Question) -> list:
    answer = question.solution
    credit = _(
        "D'après une question de %(asker)s et la réponse de %(answerer)s, "
        "dans « Questions aux référents »."
    ) % {
        "asker": escape(question.author.display_name),
        "answerer": escape(answer.author.display_name),
    }
    parts = []
    if question.body:
        parts.append(linebreaks(question.body, autoescape=True))
    parts.append(linebreaks(answer.body, autoescape=True))
    parts.append(f"<p><i>{credit}</i></p>")
    return [("text", "".join(parts))]


def check_make_tip(user: User, question: Question) -> TipPage:
    """A moderator turns a solved question into a draft tip, credited to both
    the asker and the answerer; the question links to it."""
    if not roles.is_moderator(user, question.town_id):
        raise PermissionDenied
    if question.hidden:
        raise PermissionDenied
    if question.solution_id is None or question.solution.hidden:
        raise ValidationError(
            _("Seule une question résolue peut devenir une astuce."), code="unsolved"
        )
    if question.tip_id is not None:
        raise ValidationError(
            _("Cette question est déjà devenue une astuce."), code="already"
        )
    index = tip_index_for_town(question.town)
    if index is None:
        raise ValidationError(
            _("Cette commune n'a pas de page des astuces."), code="no_index"
        )
    with transaction.atomic():
        slug = find_available_slug(index, slugify(question.title)[:200] or "astuce")
        tip = TipPage(
            title=question.title,
            slug=slug,
            summary=Truncator(" ".join(question.solution.body.split())).chars(300),
            domain=question.domain,
            body=_tip_body(question),
            # The answer's writer, the asker in the credit line of the body.
            author=question.solution.author,
            live=False,
            owner=user,
        )
        index.add_child(instance=tip)
        tip.save_revision(user=user, log_action=True)
        question.tip = tip
        question.save(update_fields=["tip"])
    return tip


def do_hide_question(question: Question, moderator, decision) -> None:
    """Moderation hides a question (common.kinds): gone from lists and search."""
    if not question.hidden:
        question.hidden = True
        question.save(update_fields=["hidden"])


def do_restore_question(question: Question, moderator) -> None:
    """Moderation restores a hidden question."""
    if question.hidden:
        question.hidden = False
        question.save(update_fields=["hidden"])


def do_hide_answer(answer: Answer, moderator, decision) -> None:
    """Moderation hides an answer (a solution hidden leaves the search)."""
    if not answer.hidden:
        answer.hidden = True
        answer.save(update_fields=["hidden"])
        _resync(answer.question)


def do_restore_answer(answer: Answer, moderator) -> None:
    """Moderation restores a hidden answer."""
    if answer.hidden:
        answer.hidden = False
        answer.save(update_fields=["hidden"])
        _resync(answer.question)


def _resync(question: Question) -> None:
    schedule_sync(QUESTIONS, question.pk)
