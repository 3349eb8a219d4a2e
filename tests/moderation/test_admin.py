"""The queue in the Wagtail admin: moderators only, filters, a bounded number of
queries, the case page and its actions, the dashboard panel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import roles
from feeds.models import ContentState
from moderation import actions, items
from moderation.models import CaseState, Decision, Reason, ReportGroup
from tests.factories import NeighbourhoodFactory, make_member, make_staff
from tests.moderation.conftest import post_as

pytestmark = pytest.mark.django_db

QUEUE = "moderation_reportgroup:list"


def report_posts(author, reporter, count, reason=Reason.SPAM):
    posts = [post_as(author, f"Publication {n} à signaler") for n in range(count)]
    for post in posts:
        actions.check_report(reporter, "post", post.pk, reason=reason)
    return posts


def test_only_moderators_see_the_queue(client, author, reporters, moderator, town):
    report_posts(author, reporters[0], 1)
    client.force_login(reporters[0].user)
    resident = client.get(reverse(QUEUE))
    assert resident.status_code in (302, 403)
    ambassador = make_staff(town, roles.AMBASSADOR)
    client.force_login(ambassador)
    denied = client.get(reverse(QUEUE))
    assert denied.status_code in (302, 403)
    group = ReportGroup.objects.get()
    post_url = reverse("moderation_decide", args=[group.pk])
    assert client.post(post_url, {"action": "hide", "reason": "x"}).status_code in (
        302,
        403,
    )
    assert not Decision.objects.exists()
    client.force_login(moderator)
    allowed = client.get(reverse(QUEUE))
    assert allowed.status_code == 200
    assert "Publication 0 à signaler" in allowed.content.decode()


def test_the_queue_runs_a_bounded_number_of_queries(
    client, author, reporters, moderator
):
    client.force_login(moderator)
    report_posts(author, reporters[0], 3)
    client.get(reverse(QUEUE))  # warm the caches (content types, site)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(QUEUE)).status_code == 200
    report_posts(author, reporters[1], 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(QUEUE))
    assert response.content.decode().count("à signaler") >= 15
    assert len(many) == len(few)


def test_filters_by_state_reason_and_neighbourhood(
    client, author, reporters, moderator, town
):
    client.force_login(moderator)
    spam = post_as(author, "Publicité pour des volets")
    actions.check_report(reporters[0], "post", spam.pk, reason=Reason.SPAM)
    elsewhere = NeighbourhoodFactory(town=town)
    far_author = make_member(town, neighbourhood=elsewhere, display_name="Lointain")
    actions.check_report(
        reporters[0], "member", far_author.pk, reason=Reason.PERSONAL_DATA
    )
    url = reverse(QUEUE)
    by_reason = client.get(url, {"reason": "personal_data"}).content.decode()
    assert "Lointain" in by_reason and "volets" not in by_reason
    by_place = client.get(url, {"neighbourhood": elsewhere.pk}).content.decode()
    assert "Lointain" in by_place and "volets" not in by_place
    actions.do_dismiss(moderator, ReportGroup.objects.get(kind="post"), "Ok")
    open_only = client.get(url, {"state": CaseState.OPEN}).content.decode()
    assert "Lointain" in open_only and "volets" not in open_only
    resolved = client.get(url, {"state": CaseState.RESOLVED}).content.decode()
    assert "volets" in resolved


def test_the_case_page_shows_content_reporters_history_and_hides(
    client, author, reporters, moderator
):
    previous = post_as(author, "Ancienne publication")
    actions.do_warn(moderator, items.load("post", previous.pk), "Premier rappel")
    post = post_as(author, "Insulte grossière")
    actions.check_report(
        reporters[0], "post", post.pk, reason=Reason.OTHER, text="Très blessant"
    )
    actions.check_report(reporters[1], "post", post.pk, reason=Reason.OFFENSIVE)
    group = ReportGroup.objects.get(kind="post", object_id=post.pk)
    client.force_login(moderator)
    page = client.get(reverse("moderation_reportgroup:inspect", args=[group.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Insulte grossière" in body
    assert "Voisin 0" in body and "Voisin 1" in body
    assert "Très blessant" in body
    assert "Premier rappel" in body  # the author's history
    response = client.post(
        reverse("moderation_decide", args=[group.pk]),
        {"action": "hide", "reason": "Insulte"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == ContentState.HIDDEN
    assert Decision.objects.filter(action="hide", moderator=moderator).exists()


def test_the_author_s_history_counts_each_kind_the_registry_counts(
    client, author, reporters, moderator, monkeypatch
):
    """Moderation counts an author's rows through `common.kinds` (feeds
    counts posts and comments); a kind added there shows with no change to
    moderation."""
    import dataclasses

    from common import kinds

    hidden = post_as(author, "Déjà masquée")
    actions.do_hide(moderator, items.load("post", hidden.pk), "Hors sujet")
    post = post_as(author, "Une publication signalée")
    actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    group = ReportGroup.objects.get(kind="post", object_id=post.pk)
    extra = dataclasses.replace(
        kinds.get("post"),
        name="essai",
        label="Sorte d'essai",
        authored=lambda member: (7, 2),
    )
    monkeypatch.setitem(kinds._kinds, "essai", extra)
    client.force_login(moderator)
    body = client.get(
        reverse("moderation_reportgroup:inspect", args=[group.pk])
    ).content.decode()
    assert "Publication : 1 en ligne, 1 masqué(e)s" in body
    assert "Commentaire : 0 en ligne, 0 masqué(e)s" in body
    assert "Sorte d&#x27;essai : 7 en ligne, 2 masqué(e)s" in body


def test_the_case_page_lists_a_pending_appeal_and_answers_it(
    client, author, reporters, moderator
):
    post = post_as(author, "Texte contesté")
    actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    group = ReportGroup.objects.get()
    decision = actions.do_hide(moderator, items.load("post", post.pk), "Spam", group)
    actions.check_appeal(author, decision, "Ce n'était pas de la publicité")
    client.force_login(moderator)
    page = client.get(reverse("moderation_reportgroup:inspect", args=[group.pk]))
    assert "Ce n&#x27;était pas de la publicité" in page.content.decode()
    appeals = client.get(reverse("moderation_appeal:list")).content.decode()
    assert author.display_name in appeals
    client.post(
        reverse("moderation_answer_appeal", args=[decision.appeal.pk]),
        {"granted": "1", "answer": "D'accord", "group": group.pk},
    )
    post.refresh_from_db()
    assert post.state == ContentState.PUBLISHED


def test_the_dashboard_panel_shows_the_figures(client, author, reporters, moderator):
    report_posts(author, reporters[0], 2)
    client.force_login(moderator)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2 signalements à traiter" in home
    assert "nouveaux foyers en 7 jours" in home
    assert "Couverture des ambassadeurs" in home
    assert "défi" in home and "astuce" in home


def test_the_dashboard_panel_runs_a_bounded_number_of_queries(
    author, reporters, town, moderator
):
    from moderation import dashboard

    report_posts(author, reporters[0], 1)
    dashboard.figures(moderator)  # the moderator's towns, kept on the user
    with CaptureQueriesContext(connection) as few:
        dashboard.figures(moderator)
    for _n in range(5):
        make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
    report_posts(author, reporters[1], 5)
    with CaptureQueriesContext(connection) as many:
        figures = dashboard.figures(moderator)
    assert figures.open_reports == 6
    assert len(many) == len(few)


def test_the_queue_filters_by_reason(client, author, reporters, moderator):
    report_posts(author, reporters[0], 1, reason=Reason.SPAM)
    offensive = post_as(author, "Propos blessants ici")
    actions.check_report(reporters[0], "post", offensive.pk, reason=Reason.OFFENSIVE)
    # A second reporter, another reason: the group matches both filters once.
    actions.check_report(reporters[1], "post", offensive.pk, reason=Reason.SPAM)
    client.force_login(moderator)

    spam = client.get(reverse(QUEUE), {"reason": Reason.SPAM}).content.decode()
    hurt = client.get(reverse(QUEUE), {"reason": Reason.OFFENSIVE}).content.decode()

    assert "Publication 0 à signaler" in spam
    assert spam.count("Propos blessants ici") == 1
    assert "Propos blessants ici" in hurt
    assert "Publication 0 à signaler" not in hurt
