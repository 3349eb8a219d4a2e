"""Solved questions to the référents: found by the town's members, in
Elasticsearch and in the database's index; open or hidden ones are not."""

import pytest
from django.urls import reverse

from community.models import Referent
from referents import actions
from tests.factories import make_member
from tests.search.test_more_kinds import documents, found

TITLE = "Comment purger mes radiateurs ?"


@pytest.fixture
def solved(town, neighbourhood, member, django_capture_on_commit_callbacks):
    adviser = make_member(town, neighbourhood=neighbourhood, display_name="Claire R.")
    Referent.objects.create(
        town=town, member=adviser, title="Conseillère", domains=["energy"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        question = actions.check_ask_question(
            member, domain="energy", title=TITLE, body="Ils chauffent mal en haut."
        )
        answer = actions.check_answer_question(
            adviser, question, body="Ouvrez la vis de purge avec une clé carrée."
        )
    return question, answer


def test_a_solved_question_is_found_by_members_only(
    town, member, solved, django_capture_on_commit_callbacks
):
    question, answer = solved
    assert found(town, "radiateurs", member) == set()  # open: not yet
    with django_capture_on_commit_callbacks(execute=True):
        actions.check_mark_solution(member, answer)
    assert found(town, "radiateurs", member) == {("question", TITLE)}
    assert found(town, "vis de purge", member) == {("question", TITLE)}
    assert found(town, "radiateurs") == set()  # visitors
    (document,) = [d for d in documents() if d["kind"] == "question"]
    assert document["url"] == question.get_absolute_url()
    assert document["domain"] == "energy"
    # Hidden by moderation: gone.
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_hide_question(question, None, None)
    assert found(town, "radiateurs", member) == set()


def test_the_database_index_finds_it_too(
    client, settings, member, solved, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    question, answer = solved
    with django_capture_on_commit_callbacks(execute=True):
        actions.check_mark_solution(member, answer)
    client.force_login(member.user)
    page = client.get(reverse("search:page"), {"q": "radiateurs"}).content.decode()
    assert question.get_absolute_url() in page
