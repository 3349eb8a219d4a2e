"""The coverage dashboard: figures, weekly chart, CSV, the moderators' admin."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors import actions, coverage, queries
from ambassadors.models import VisitOutcome
from community.models import HouseholdStatus, Neighbourhood
from community.privacy import current_consent_text
from tests.ambassadors.conftest import logged_in
from tests.factories import make_household, make_member


@pytest.fixture
def scope(town, ambassador):
    return queries.access_ambassador_scope(ambassador, town)


@pytest.fixture
def activity(town, scope, neighbourhood, other_ambassador, other_neighbourhood):
    """Three doors, one interested, two pre-registered, one of them signed up."""
    today = timezone.localdate()
    for street, outcome, extra in [
        ("Rue A", VisitOutcome.ABSENT, {}),
        ("Rue B", VisitOutcome.INTERESTED, {"call_back_on": today}),
        ("Rue C", VisitOutcome.SIGNED_UP, {}),
    ]:
        actions.check_log_visit(
            scope,
            neighbourhood=neighbourhood,
            street=street,
            house_number="1",
            outcome=outcome,
            **extra,
        )
    onboardings = [
        actions.check_pre_register(
            scope,
            neighbourhood=neighbourhood,
            domains=["energy"],
            consent_text_id=current_consent_text().pk,
        )[0]
        for _ in range(2)
    ]
    make_member(town, household=onboardings[0].household)
    # An open sign-up in the neighbourhood and another ambassador's visit
    # elsewhere: neither is this ambassador's work.
    make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    other = queries.access_ambassador_scope(other_ambassador, town)
    actions.check_log_visit(
        other,
        neighbourhood=other_neighbourhood,
        street="Rue Z",
        house_number="9",
        outcome=VisitOutcome.ABSENT,
    )
    return onboardings


def test_ambassador_figures_are_their_own_but_sign_ups_the_neighbourhoods(
    activity, neighbourhood, ambassador
):
    (row,) = coverage.by_neighbourhood(
        Neighbourhood.objects.filter(pk=neighbourhood.pk), ambassador=ambassador
    )
    assert (row.census, row.target) == (400, 100)
    assert (row.visited, row.interested) == (3, 1)
    assert (row.pre_registered, row.brought_in, row.active) == (1, 1, 1)
    # Signed up and the target are the neighbourhood's: the open sign-up counts.
    assert (row.signed_up, row.share_of_target) == (2, 2)


def test_neighbourhood_figures_count_every_household(activity, neighbourhood):
    (row,) = coverage.by_neighbourhood(
        Neighbourhood.objects.filter(pk=neighbourhood.pk)
    )
    # The open sign-up counts too, and joining this week makes it active.
    assert (row.visited, row.pre_registered, row.signed_up, row.active) == (3, 1, 2, 2)


def test_weekly_series_and_svg(activity, amb_client):
    response = amb_client.get(reverse("ambassadors:dashboard"))
    weeks = response.context["weeks"]
    assert len(weeks) == coverage.WEEKS
    this_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert weeks[-1].start == this_week
    # Her doors; the neighbourhood's sign-ups (the open one too).
    assert (weeks[-1].visited, weeks[-1].signed_up) == (3, 2)
    assert sum(w.visited for w in weeks[:-1]) == 0
    html = response.content.decode()
    assert '<svg viewBox="0 0 360 200" role="img"' in html
    assert "Semaine par semaine" in html and "<caption>" in html


def test_csv_export(activity, amb_client, neighbourhood):
    response = amb_client.get(reverse("ambassadors:dashboard_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0] == coverage.CSV_HEADER
    assert rows[1] == [
        "Val-Test",
        neighbourhood.name,
        "400",
        "100",
        "3",
        "1",
        "1",
        "2",
        "1",
        "2",
    ]
    assert len(rows) == 2


def test_csv_cells_cannot_be_formulas():
    row = coverage.Row("=HYPERLINK(1)", "+ville", 0, 0, 0, 0, 0, 0)
    text = coverage.rows_as_csv([row])
    assert "'=HYPERLINK(1)" in text and "'+ville" in text


def test_moderators_see_every_ambassador_in_the_admin(activity, moderator, ambassador):
    client = logged_in(moderator)
    response = client.get(reverse("ambassadors_coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Couverture par ambassadeur" in html
    assert "Lea" in html and "Yanis" in html
    exported = client.get(reverse("ambassadors_coverage") + "?export=ambassadeurs")
    rows = list(csv.reader(io.StringIO(exported.content.decode()), delimiter=";"))
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Lea"][4:8] == ["3", "1", "1", "1"]
    assert by_name["Yanis"][4] == "1"
    by_hood = client.get(reverse("ambassadors_coverage") + "?export=quartiers")
    assert len(by_hood.content.decode().strip().splitlines()) == 3

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Couverture des ambassadeurs" in home
    assert "2 foyers sur 800 (0 %) — objectif 25 % (200 foyers)" in home


def test_the_admin_report_is_for_moderators_only(activity, ambassador, resident):
    for user in (ambassador, resident):
        response = logged_in(user).get(reverse("ambassadors_coverage"))
        assert response.status_code in (302, 403)


def test_audit_log_is_read_only_for_moderators(activity, moderator):
    client = logged_in(moderator)
    listing = client.get(reverse("wagtailsnippets_ambassadors_auditentry:list"))
    assert listing.status_code == 200
    assert "Foyer pré-inscrit" in listing.content.decode()
    assert client.get(
        reverse("wagtailsnippets_ambassadors_auditentry:add")
    ).status_code in (302, 403)
    visits = client.get(reverse("wagtailsnippets_ambassadors_visit:list"))
    assert "Rue A" in visits.content.decode()
