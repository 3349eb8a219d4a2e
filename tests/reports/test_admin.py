"""The staff's side of reports in the Wagtail admin: the categories of their
towns, the queue « Signalements » and the « Changer l'état » form."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.apikeys import do_create_api_key
from community.models import Role
from reports import actions
from reports.models import Report, ReportCategory, ReportState, ReportUpdate
from tests.factories import (
    NeighbourhoodFactory,
    make_member,
    make_report,
    make_report_category,
    make_staff,
    make_town,
)

pytestmark = pytest.mark.django_db

QUEUE = "reports_queue"


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "REPORT_RATE": (10_000, 600)}


@pytest.fixture
def other_town():
    return make_town("Ailleurs", hostname="ailleurs.test")


@pytest.fixture
def far(other_town) -> Report:
    """A report of another town, « Loin »."""
    resident = make_member(
        other_town, neighbourhood=NeighbourhoodFactory(town=other_town)
    )
    return make_report(resident, make_report_category(other_town), address="Loin")


@pytest.fixture
def lighting(town):
    return make_report_category(
        town, "Éclairage public", service_code="eclairage", service_name="Régie lumière"
    )


@pytest.fixture
def roads(town):
    return make_report_category(
        town, "Voirie", service_code="voirie", service_name="Service voirie"
    )


def age(report: Report, days: int) -> Report:
    """Move a report back in time (actions date what they write « now »)."""
    when = timezone.now() - timedelta(days=days)
    Report.objects.filter(pk=report.pk).update(created_at=when)
    report.created_at = when
    return report


def queue_numbers(client, **params) -> list[int]:
    """The numbers of the queue's first page, in its order."""
    page = client.get(reverse(QUEUE), params)
    assert page.status_code == 200
    return [report.pk for report in page.context["page"].object_list]


def test_the_queue_shows_the_agents_towns_only(client, member, lighting, far):
    here = make_report(member, lighting, address="1 place de la Mairie")
    client.force_login(make_staff(member.town, Role.SERVICE))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(QUEUE) in home
    page = client.get(reverse(QUEUE))
    body = page.content.decode()
    assert "1 place de la Mairie" in body
    assert "Loin" not in body
    assert 'name="town"' not in body  # one town: no « Commune » filter
    assert (
        client.get(reverse("reports_queue_report", args=[here.pk])).status_code == 200
    )
    # Another town's report answers as a missing one, on GET and on POST.
    assert client.get(reverse("reports_queue_report", args=[far.pk])).status_code == 404
    refused = client.post(
        reverse("reports_queue_report", args=[far.pk]),
        {"state": ReportState.CLOSED, "note": "Pas chez nous"},
    )
    assert refused.status_code == 404
    assert Report.objects.get(pk=far.pk).state == ReportState.OPEN


def test_roles_and_superusers(
    client, member, lighting, other_town, far, django_user_model
):
    here = make_report(member, lighting, address="Ici")
    # A moderator or administrator of the other town works its reports only.
    for role in (Role.MODERATOR, Role.TOWN_ADMIN):
        client.force_login(make_staff(other_town, role))
        assert queue_numbers(client) == [far.pk]
    # An ambassador has no queue.
    client.force_login(make_staff(member.town, Role.AMBASSADOR))
    assert client.get(reverse(QUEUE)).status_code in (302, 403)
    # A superuser sees every town, with a « Commune » filter.
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    assert set(queue_numbers(client)) == {here.pk, far.pk}
    assert queue_numbers(client, town=other_town.pk) == [far.pk]
    assert 'name="town"' in client.get(reverse(QUEUE)).content.decode()


def test_filters_and_the_order_of_the_queue(client, town, member, lighting, roads):
    north = NeighbourhoodFactory(town=town, name="Nord")
    old = age(make_report(member, lighting, neighbourhood=north), 20)
    recent = age(make_report(member, roads), 2)
    middle = age(make_report(member, lighting), 10)
    done = age(make_report(member, roads), 30)
    agent = make_staff(town, Role.SERVICE)

    actions.check_change_state(agent, middle, ReportState.ACKNOWLEDGED, "Vu.")
    actions.check_change_state(agent, done, ReportState.RESOLVED, "Réparé.")
    client.force_login(agent)
    # By default: open and acknowledged, oldest first.
    assert queue_numbers(client) == [old.pk, middle.pk, recent.pk]
    assert queue_numbers(client, state=ReportState.RESOLVED) == [done.pk]
    assert queue_numbers(client, state="all") == [old.pk, middle.pk, recent.pk, done.pk]
    assert queue_numbers(client, category=roads.pk) == [recent.pk]
    assert queue_numbers(client, neighbourhood=north.pk) == [old.pk]
    # A stale or forged value falls back to the defaults, never an error.
    assert queue_numbers(client, state="nope", category="x") == [
        old.pk,
        middle.pk,
        recent.pk,
    ]


def test_the_queue_runs_the_same_queries_for_5_or_60_reports(
    client, town, member, lighting, roads
):
    north = NeighbourhoodFactory(town=town, name="Nord")
    agent = make_staff(town, Role.SERVICE)
    client.force_login(agent)

    def file(count: int) -> None:
        for n in range(count):
            make_report(
                member,
                lighting if n % 2 else roads,
                neighbourhood=north if n % 3 else None,
                address=f"{n} rue Longue",
            )

    def queries() -> int:
        client.get(reverse(QUEUE))  # warm caches (menus, site)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(QUEUE), {"state": "all"}).status_code == 200
        return len(captured)

    file(5)
    few = queries()
    file(55)
    many = queries()
    assert many == few
    assert few <= 25


def test_a_state_change_through_the_form(client, member, lighting):
    report = make_report(member, lighting, address="Rue du Puits")
    agent = make_staff(member.town, Role.SERVICE)
    client.force_login(agent)
    url = reverse("reports_queue_report", args=[report.pk])
    back = reverse(QUEUE) + "?state=all"
    page = client.get(url, {"next": back})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Rue du Puits" in body
    assert member.display_name in body  # staff see who reported
    assert 'name="note"' in body
    # No note: refused, nothing changed, what was typed is still there.
    refused = client.post(
        url, {"state": ReportState.ACKNOWLEDGED, "note": "  ", "next": back}
    )
    assert refused.status_code == 400
    assert "obligatoire" in refused.content.decode()
    assert Report.objects.get(pk=report.pk).state == ReportState.OPEN
    # The same state again: refused with the action's message.
    same = client.post(url, {"state": ReportState.OPEN, "note": "Toujours ouvert"})
    assert same.status_code == 400
    assert "déjà dans cet état" in same.content.decode()
    assert "Toujours ouvert" in same.content.decode()
    done = client.post(
        url,
        {
            "state": ReportState.ACKNOWLEDGED,
            "note": "Équipe prévue jeudi.",
            "next": back,
        },
    )
    assert done.status_code == 302
    assert done["Location"] == back
    report.refresh_from_db()
    assert report.state == ReportState.ACKNOWLEDGED
    update = ReportUpdate.objects.filter(report=report).latest("id")
    assert (update.staff, update.staff_label, update.note) == (
        agent,
        "Régie lumière",
        "Équipe prévue jeudi.",
    )
    followed = client.get(done["Location"])
    assert "note publiée" in followed.content.decode()
    # A `next` elsewhere goes back to the queue itself.
    again = client.post(
        url,
        {"state": ReportState.RESOLVED, "note": "Réparé.", "next": "/admin/pages/"},
    )
    assert again["Location"] == reverse(QUEUE)


def test_a_duplicate_points_at_the_kept_report(client, member, lighting, far):
    kept = make_report(member, lighting, address="Rue A")
    copy = make_report(member, lighting, address="Rue A, encore")
    client.force_login(make_staff(member.town, Role.SERVICE))
    url = reverse("reports_queue_report", args=[copy.pk])
    for number in ("", far.pk, copy.pk, 999_999):
        refused = client.post(
            url,
            {
                "state": ReportState.DUPLICATE,
                "note": "Déjà signalé",
                "duplicate_of": number,
            },
        )
        assert refused.status_code == 400
        assert "numéro du signalement conservé" in refused.content.decode()
    done = client.post(
        url,
        {
            "state": ReportState.DUPLICATE,
            "note": "Déjà signalé",
            "duplicate_of": kept.pk,
        },
    )
    assert done.status_code == 302
    copy.refresh_from_db()
    assert (copy.state, copy.duplicate_of_id) == (ReportState.DUPLICATE, kept.pk)
    kept_page = client.get(reverse("reports_queue_report", args=[kept.pk]))
    assert reverse("reports_queue_report", args=[copy.pk]) in kept_page.content.decode()


def test_open311_contact_is_shown_to_staff(client, town, lighting):

    key, _raw = do_create_api_key(town, "open311", "Appli Ma Ville")
    report = actions.check_create_report(
        town,
        category=lighting,
        api_key=key,
        description="Lampadaire cassé",
        address="Quai Sud",
        contact={"first_name": "Jeanne", "email": "jeanne@example.org"},
    )
    client.force_login(make_staff(town, Role.SERVICE))
    body = client.get(
        reverse("reports_queue_report", args=[report.pk])
    ).content.decode()
    assert "jeanne@example.org" in body
    assert "Appli Ma Ville" in body


def test_town_admins_edit_their_towns_categories(client, town, other_town, lighting):
    admin = make_staff(town, Role.TOWN_ADMIN)
    client.force_login(admin)
    listing = client.get(reverse("reports_category:list"))
    assert listing.status_code == 200
    assert "Éclairage public" in listing.content.decode()
    elsewhere = make_report_category(other_town, "Ailleurs")
    assert (
        client.get(reverse("reports_category:edit", args=[elsewhere.pk])).status_code
        == 404
    )
    fields = {
        "town": town.pk,
        "name": "Propreté",
        "service_code": "EClairage",
        "service_name": "Service propreté",
        "description": "Dépôts sauvages, tags",
        "active": "on",
        "sort_order": 3,
    }
    add = reverse("reports_category:add")
    taken = client.post(add, fields)
    assert taken.status_code == 200
    assert "déjà celui de la catégorie « Éclairage public »" in taken.content.decode()
    assert 'value="Dépôts sauvages, tags"' in taken.content.decode()
    # Another town's choice is not offered.
    refused = client.post(
        add, {**fields, "service_code": "proprete", "town": other_town.pk}
    )
    assert refused.status_code == 200
    assert not ReportCategory.objects.filter(name="Propreté").exists()
    created = client.post(add, {**fields, "service_code": "proprete"})
    assert created.status_code == 302
    category = ReportCategory.objects.get(name="Propreté")
    assert (category.town, category.service_code) == (town, "proprete")
    # No deleting: a category stays on its reports; it is withdrawn instead.
    assert client.get(
        reverse("reports_category:delete", args=[category.pk])
    ).status_code in (302, 403)


def test_moderators_and_agents_do_not_edit_categories(client, town, lighting):
    for role in (Role.MODERATOR, Role.SERVICE):
        client.force_login(make_staff(town, role))
        assert client.get(reverse("reports_category:list")).status_code in (302, 403)
        answer = client.get(reverse("reports_category:edit", args=[lighting.pk]))
        assert answer.status_code in (302, 403, 404)


def test_a_reports_page_runs_the_same_queries_for_a_short_or_long_timeline(
    client, town, member, lighting
):
    short = make_report(member, lighting)
    long = make_report(member, lighting)
    for n in range(6):
        neighbour = make_member(town, neighbourhood=member.household.neighbourhood)
        actions.do_me_too(neighbour, long)
        actions.check_add_note(neighbour, long, f"Toujours là ({n})")
    client.force_login(make_staff(town, Role.SERVICE))

    def queries(report: Report) -> int:
        url = reverse("reports_queue_report", args=[report.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(long) == queries(short)
