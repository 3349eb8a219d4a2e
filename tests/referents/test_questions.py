"""« Questions aux référents » through HTTP: ask, answer, « m'a aidé », the
solution, the tip a moderator makes of it; towns apart; constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from community import roles
from community.models import Referent
from referents import actions
from referents.models import Answer, HelpfulVote, Question
from tests.factories import NeighbourhoodFactory, make_member, make_staff, make_town
from tests.tips.helpers import make_tip_index
from tips.models import TipPage

LIST = reverse("referents:list")
ASK = reverse("referents:ask")


def _referent(town, neighbourhood, *, domains=("energy",), name="Claire R."):
    member = make_member(town, neighbourhood=neighbourhood, display_name=name)
    Referent.objects.create(
        town=town, member=member, title="Conseillère énergie", domains=list(domains)
    )
    return member


@pytest.fixture
def referent(town, neighbourhood):
    return _referent(town, neighbourhood)


@pytest.fixture
def neighbour(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Bruno L.")


def _ask(member, title="Comment purger mes radiateurs ?", domain="energy"):
    return actions.check_ask_question(member, domain=domain, title=title, body="")


def test_ask_notifies_the_domains_referents_only(
    client, member, referent, town, neighbourhood
):
    water = _referent(town, neighbourhood, domains=["water"], name="Paul P.")
    client.force_login(member.user)
    assert client.get(ASK).status_code == 200
    response = client.post(
        ASK,
        {"domain": "energy", "title": "Comment purger mes radiateurs ?", "body": ""},
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == question.get_absolute_url()
    assert question.author == member and question.town_id == town.pk
    notes = Notification.objects.filter(verb="question")
    assert [n.recipient_id for n in notes] == [referent.user_id]
    assert not notes.filter(recipient_id=water.user_id).exists()
    assert notes.get().data["url"] == question.get_absolute_url()


def test_a_refused_question_keeps_what_was_typed(client, member):
    client.force_login(member.user)
    response = client.post(ASK, {"domain": "nucleaire", "title": "Ma question"})
    assert response.status_code == 200
    assert 'value="Ma question"' in response.content.decode()
    assert not Question.objects.exists()


def test_answer_helpful_and_solution(client, member, referent, neighbour):
    question = _ask(member)
    url = question.get_absolute_url()
    client.force_login(referent.user)
    response = client.post(
        reverse("referents:answer", args=[question.pk]),
        {"body": "Ouvrez la vis de purge, radiateur froid."},
    )
    answer = Answer.objects.get()
    assert response["Location"] == f"{url}#reponse-{answer.pk}"
    note = Notification.objects.get(verb="answer", recipient_id=member.user_id)
    assert note.data["kind"] == "answer"
    # The référent's badge beside the name on the question page.
    page = client.get(url).content.decode()
    assert "Référent·e Énergie" in page and "Conseillère énergie" in page
    # The référent cannot find their own answer helpful; a neighbour toggles it.
    helpful = reverse("referents:helpful", args=[answer.pk])
    client.post(helpful)
    assert not HelpfulVote.objects.exists()
    client.force_login(neighbour.user)
    client.post(helpful)
    client.post(helpful)
    client.post(helpful)
    answer.refresh_from_db()
    assert answer.helpful_count == 1 and HelpfulVote.objects.count() == 1
    # Only the asker marks the solution.
    solution = reverse("referents:solution", args=[answer.pk])
    assert client.post(solution).status_code == 403
    assert Question.objects.get().solution_id is None
    client.force_login(member.user)
    assert "C'est la solution" in client.get(url).content.decode()
    client.post(solution)
    question.refresh_from_db()
    assert question.solution_id == answer.pk and question.solved_at is not None
    assert Notification.objects.filter(
        verb="answer", recipient_id=referent.user_id, data__kind="solution"
    ).exists()
    solved = client.get(LIST, {"etat": "resolues"}).content.decode()
    assert question.title in solved
    assert question.title not in client.get(LIST, {"etat": "ouvertes"}).content.decode()


def test_a_refused_answer_keeps_its_text(client, member):
    question = _ask(member)
    client.force_login(member.user)
    response = client.post(
        reverse("referents:answer", args=[question.pk]), {"body": "x" * 4001}
    )
    assert response.status_code == 200
    assert "x" * 4001 in response.content.decode()
    assert not Answer.objects.exists()


def test_another_towns_questions_are_not_found(client, member, referent):
    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    foreign = _ask(stranger, title="Question d'ailleurs")
    foreign_answer = actions.check_answer_question(stranger, foreign, body="Là-bas")
    client.force_login(member.user)
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert "Question d'ailleurs" not in client.get(LIST).content.decode()
    assert (
        client.post(
            reverse("referents:answer", args=[foreign.pk]), {"body": "Ici"}
        ).status_code
        == 404
    )
    for name in ("helpful", "solution"):
        url = reverse(f"referents:{name}", args=[foreign_answer.pk])
        assert client.post(url).status_code == 404, name
    assert Answer.objects.count() == 1 and not HelpfulVote.objects.exists()
    # Visitors are sent to log in; no one else reads the list.
    client.logout()
    assert client.get(LIST).status_code == 302


def test_only_the_towns_moderators_make_a_tip(client, town, member, referent):
    make_tip_index(town)
    question = _ask(member)
    answer = actions.check_answer_question(
        referent, question, body="Ouvrez la vis de purge."
    )
    make_tip_url = reverse("referents:make_tip", args=[question.pk])
    client.force_login(member.user)
    assert client.post(make_tip_url).status_code == 403
    moderator = make_staff(town, roles.MODERATOR)
    client.force_login(moderator)
    # Unsolved: refused with a message, no tip.
    client.post(make_tip_url)
    assert not TipPage.objects.exists()
    actions.check_mark_solution(member, answer)
    assert (
        "En faire une astuce"
        in client.get(question.get_absolute_url()).content.decode()
    )
    response = client.post(make_tip_url)
    tip = TipPage.objects.get()
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[tip.pk])
    assert not tip.live and tip.domain == "energy" and tip.author == referent
    body = str(tip.body[0].value)
    assert "Ouvrez la vis de purge." in body
    assert member.display_name in body and referent.display_name in body
    question.refresh_from_db()
    assert question.tip_id == tip.pk
    # A moderator of another town: the question is not there for them.
    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    other = make_staff(elsewhere, roles.MODERATOR)
    client.force_login(other)
    assert client.post(make_tip_url).status_code == 403
    assert TipPage.objects.count() == 1


def test_the_list_costs_the_same_queries_however_long(client, member, referent, town):
    for n in range(3):
        _ask(referent if n % 2 else member, title=f"Question {n}")
    client.force_login(member.user)

    def count(**params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, params).status_code == 200
        return len(captured)

    # The first page of a process reads the town, kept after (community.towns).
    count()
    few = count()
    for n in range(25):
        Question.objects.create(
            town=town,
            author=referent if n % 2 else member,
            domain="energy",
            title=f"Autre question {n}",
        )
    assert count() == few
    assert count(domaine="energy", etat="ouvertes") == few
    page2 = client.get(LIST, {"page": 2}).content.decode()
    assert "Question 0" in page2


def test_the_detail_costs_the_same_queries_however_many_answers(
    client, member, referent, neighbour
):
    question = _ask(member)
    actions.check_answer_question(referent, question, body="Première")
    client.force_login(member.user)
    url = question.get_absolute_url()

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    # The first page of a process reads the town, kept after (community.towns).
    count()
    few = count()
    for n in range(4):
        answer = actions.check_answer_question(neighbour, question, body=f"R {n}")
        actions.do_toggle_helpful(member, answer)
    assert count() == few


def test_unanswered_after_72_hours_for_the_towns_moderators(client, town, member):
    old = _ask(member, title="Vieille question")
    Question.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=73)
    )
    _ask(member, title="Question récente")
    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    stranger = make_member(
        elsewhere, neighbourhood=NeighbourhoodFactory(town=elsewhere)
    )
    far = _ask(stranger, title="Question lointaine")
    Question.objects.filter(pk=far.pk).update(
        created_at=timezone.now() - timedelta(hours=80)
    )
    client.force_login(make_staff(town, roles.MODERATOR))
    page = client.get(reverse("referents_unanswered")).content.decode()
    assert "Vieille question" in page
    assert "Question récente" not in page and "Question lointaine" not in page


def test_the_unanswered_list_costs_the_same_queries_however_long(
    client, town, member, referent
):
    def waiting(count: int) -> None:
        for n in range(count):
            Question.objects.create(
                town=town,
                author=referent if n % 2 else member,
                domain="water",
                title=f"Question en attente {n}",
                created_at=timezone.now() - timedelta(hours=80 + n),
            )

    waiting(1)
    client.force_login(make_staff(town, roles.MODERATOR))
    url = reverse("referents_unanswered")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    # The first page of a process reads the town, kept after (community.towns).
    count()
    few = count()
    waiting(8)
    assert count() == few
    assert "Question en attente 7" in client.get(url).content.decode()


def test_asking_counts_as_posting_in_the_rate_limit(client, town, member):
    town.post_rate = 1
    town.save(update_fields=["post_rate"])
    client.force_login(member.user)
    client.post(ASK, {"domain": "water", "title": "Première question"})
    response = client.post(ASK, {"domain": "water", "title": "Deuxième question"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "attendez un peu" in page and 'value="Deuxième question"' in page
    assert Question.objects.count() == 1
