"""Reports and residents' precisions in moderation: reported through
moderation's form, hidden and restored from its queue (reports/moderation_kinds.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from community import roles
from community.models import Role
from moderation.models import (
    Appeal,
    AppealState,
    Decision,
    DecisionAction,
    ReportGroup,
)
from realtime.groups import reports_stream
from realtime.models import Event
from reports import actions, moderation_kinds
from reports.models import UpdateKind
from tests.factories import make_member, make_report, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Gaston L.")


@pytest.fixture
def neighbour(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Voisine")


@pytest.fixture
def moderator(town):
    return make_staff(town, roles.MODERATOR)


def report_through_the_form(client, member, kind: str, object_id: int) -> ReportGroup:
    client.force_login(member.user)
    url = reverse("moderation:report", args=[kind, object_id])
    page = client.get(url)
    assert page.status_code == 200
    sent = client.post(url, {"reason": "offensive", "next": "/signalements/"})
    assert sent.status_code == 302
    return ReportGroup.objects.get(kind=kind, object_id=object_id)


def decide(client, moderator, group: ReportGroup, action: str) -> None:
    client.force_login(moderator)
    answer = client.post(
        reverse("moderation_decide", args=[group.pk]),
        {"action": action, "reason": "Propos injurieux"},
    )
    assert answer.status_code == 302


def test_a_report_is_reported_hidden_and_restored(client, author, neighbour, moderator):
    report = make_report(author, description="Ces gens du 12 sont des ***")
    group = report_through_the_form(client, neighbour, "report", report.pk)
    assert (group.author, group.town_id) == (author, report.town_id)
    assert "Ces gens du 12" in group.excerpt
    client.force_login(moderator)
    case = client.get(reverse("moderation_reportgroup:inspect", args=[group.pk]))
    assert "Ces gens du 12" in case.content.decode()
    assert 'value="hide"' in case.content.decode()

    decide(client, moderator, group, "hide")
    report.refresh_from_db()
    assert report.hidden
    assert Event.objects.filter(
        stream=reports_stream(report.town_id), event="report.hidden"
    ).exists()
    # Gone for residents: the list and the page; the town's staff still see it.
    client.force_login(neighbour.user)
    listing = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:detail", args=[report.pk]) not in listing
    detail = reverse("reports:detail", args=[report.pk])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("moderation:report", args=["report", report.pk])).status_code
        == 404
    )
    client.force_login(make_staff(report.town, Role.SERVICE))
    assert client.get(detail).status_code == 200
    staff_page = client.get(reverse("reports_queue_report", args=[report.pk]))
    assert "masqué par la modération" in staff_page.content.decode()

    decide(client, moderator, group, "restore")
    report.refresh_from_db()
    assert not report.hidden
    client.force_login(neighbour.user)
    assert client.get(detail).status_code == 200
    listing = client.get(reverse("reports:list")).content.decode()
    assert detail in listing


def test_the_author_appeals_a_hidden_report_and_a_granted_appeal_restores_it(
    client, author, neighbour, moderator
):
    """Report, hide, appeal: the whole of moderation's path, through its pages."""
    report = make_report(author, description="Sacs laissés devant le n° 12")
    group = report_through_the_form(client, neighbour, "report", report.pk)
    decide(client, moderator, group, "hide")
    decision = Decision.objects.get(
        kind="report", object_id=report.pk, action=DecisionAction.HIDE
    )
    assert decision.member == author
    # The author is told, with the link to the decision and its appeal form.
    client.force_login(author.user)
    url = reverse("moderation:decision", args=[decision.pk])
    assert url in client.get(reverse("feeds:notifications")).content.decode()
    assert client.get(url).status_code == 200
    sent = client.post(url, {"text": "C'est un vrai problème de propreté."})
    assert sent.status_code == 302
    appeal = Appeal.objects.get(decision=decision)
    # Another resident cannot read the decision.
    client.force_login(neighbour.user)
    assert client.get(url).status_code == 404

    client.force_login(moderator)
    listing = client.get(reverse("moderation_appeal:list")).content.decode()
    assert author.display_name in listing
    answered = client.post(
        reverse("moderation_answer_appeal", args=[appeal.pk]),
        {"granted": "1", "answer": "Le signalement est légitime.", "group": group.pk},
    )
    assert answered.status_code == 302
    report.refresh_from_db()
    assert not report.hidden
    last = Event.objects.filter(stream=reports_stream(report.town_id)).last()
    assert (last.event, last.data["report_id"]) == ("report.created", report.pk)
    client.force_login(neighbour.user)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200


def test_a_rejected_appeal_keeps_a_precision_hidden(
    client, author, neighbour, moderator
):
    report = make_report(neighbour)
    note = actions.check_add_note(author, report, "Le voisin du 3 l'a cassé, ce ***")
    group = report_through_the_form(client, neighbour, "report_note", note.pk)
    decide(client, moderator, group, "hide")
    decision = Decision.objects.get(
        kind="report_note", object_id=note.pk, action=DecisionAction.HIDE
    )
    client.force_login(author.user)
    url = reverse("moderation:decision", args=[decision.pk])
    assert client.post(url, {"text": "Je maintiens."}).status_code == 302
    client.force_login(moderator)
    client.post(
        reverse("moderation_answer_appeal", args=[decision.appeal.pk]),
        {"granted": "0", "answer": "Propos injurieux.", "group": group.pk},
    )
    note.refresh_from_db()
    assert note.hidden
    assert Appeal.objects.get(decision=decision).state == AppealState.REJECTED


def test_a_residents_precision_is_reported_and_hidden(
    client, author, neighbour, moderator
):
    report = make_report(author)
    note = actions.check_add_note(author, report, "Le voisin du 3 l'a cassé, ce ***")
    group = report_through_the_form(client, neighbour, "report_note", note.pk)
    assert group.author == author
    decide(client, moderator, group, "hide")
    note.refresh_from_db()
    assert note.hidden
    client.force_login(neighbour.user)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "ce ***" not in page
    assert "masqué par la modération" in page
    # Only residents' precisions are reportable, not the other timeline entries.
    actions.do_me_too(neighbour, report)
    me_too = report.updates.get(kind=UpdateKind.ME_TOO)
    client.force_login(author.user)
    url = reverse("moderation:report", args=["report_note", me_too.pk])
    assert client.get(url).status_code == 404


def test_only_moderators_hide_through_the_kinds(author, town):
    report = make_report(author)
    with pytest.raises(PermissionDenied):
        moderation_kinds.hide_report(report, make_staff(town, Role.SERVICE), None)
    report.refresh_from_db()
    assert not report.hidden
    # None: moderation's automatic hide (trusted members' reports).
    moderation_kinds.hide_report(report, None, None)
    report.refresh_from_db()
    assert report.hidden


def test_the_abuse_link_is_for_others_only(author, neighbour):
    report = make_report(author)
    note = actions.check_add_note(author, report, "Toujours là")
    factory = RequestFactory()

    def render(user, **context) -> str:
        request = factory.get(reverse("reports:detail", args=[report.pk]))
        request.user = user
        return render_to_string(
            "reports/includes/moderation_link.html", context, request=request
        )

    link = reverse("moderation:report", args=["report", report.pk])
    assert link in render(neighbour.user, report=report)
    assert "Signaler un abus" in render(neighbour.user, report=report)
    assert link not in render(author.user, report=report)
    note_link = reverse("moderation:report", args=["report_note", note.pk])
    assert note_link in render(neighbour.user, report=report, note=note)
    assert note_link not in render(author.user, report=report, note=note)
