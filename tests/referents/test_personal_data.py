"""The questions in « Mes données » (export, deletion) and moderation's hide."""

from django.urls import reverse

from common import trust
from community import roles
from mydata.actions import exports
from mydata.actions.deletion import do_delete_account
from referents import actions
from referents.models import Answer, HelpfulVote, Question
from tests.factories import make_member, make_staff
from tests.mydata.test_export import archive_of, doc


def _thread(town, neighbourhood, member):
    other = make_member(town, neighbourhood=neighbourhood, display_name="Bruno L.")
    question = actions.check_ask_question(
        member, domain="water", title="Fuite sous l'évier ?", body=""
    )
    answer = actions.check_answer_question(other, question, body="Serrez l'écrou.")
    mine = actions.check_answer_question(member, question, body="Merci, c'est fait.")
    actions.do_toggle_helpful(member, answer)
    return other, question, answer, mine


def test_export_holds_questions_answers_and_votes(town, neighbourhood, member):
    _other, question, answer, mine = _thread(town, neighbourhood, member)
    built = exports.do_build_export(exports.check_request_export(member).pk)
    archive = archive_of(built)
    assert "questions.json" in archive.read("LISEZMOI.txt").decode()
    section = doc(archive, "questions.json")
    assert [q["title"] for q in section["questions"]] == [question.title]
    assert [a["body"] for a in section["reponses"]] == [mine.body]
    assert [v["answer_id"] for v in section["reponses_utiles"]] == [answer.pk]


def test_deletion_removes_or_signs_former_member(town, neighbourhood, member):
    other, question, answer, mine = _thread(town, neighbourhood, member)
    # The answerer leaves, keeping their content signed « ancien membre ».
    do_delete_account(other, "anonymise")
    answer.refresh_from_db()
    assert answer.author_id != other.pk and answer.author.is_former_member
    # The asker leaves and removes their content: their question goes.
    do_delete_account(member, "remove")
    assert not Question.objects.exists() and not Answer.objects.exists()
    assert not HelpfulVote.objects.exists()


def test_a_moderator_hides_a_question_and_an_answer(
    client, town, neighbourhood, member
):
    other, question, answer, _mine = _thread(town, neighbourhood, member)
    moderator = make_staff(town, roles.MODERATOR)
    trust.hide_as_moderator(moderator, "answer", answer.pk, "Hors sujet")
    client.force_login(member.user)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Serrez l&#x27;écrou." not in page and "Merci, c&#x27;est fait." in page
    trust.hide_as_moderator(moderator, "question", question.pk, "Hors sujet")
    assert client.get(question.get_absolute_url()).status_code == 404
    assert question.title not in client.get("/questions/").content.decode()


def test_a_member_reports_an_answer_to_the_moderators(
    client, town, neighbourhood, member
):
    from moderation.models import Report

    other, question, answer, _mine = _thread(town, neighbourhood, member)
    client.force_login(member.user)
    url = reverse("moderation:report", args=["answer", answer.pk])
    assert "Serrez l&#x27;écrou." in client.get(url).content.decode()
    response = client.post(url, {"reason": "off_topic", "text": "Dangereux"})
    assert response.status_code == 302
    assert Report.objects.filter(kind="answer", object_id=answer.pk).exists()
