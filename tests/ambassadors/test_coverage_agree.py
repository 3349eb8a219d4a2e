"""One figure of « foyers inscrits » and one target per neighbourhood, the same on
the home page, the ambassador's coverage page and the admin (community.participation);
and the visit form offers only the ambassador's neighbourhoods."""

import re

import pytest
from django.urls import reverse

from ambassadors.models import AmbassadorPage
from community.models import Household, HouseholdStatus, Neighbourhood
from community.participation import Participation
from tests.ambassadors.conftest import logged_in
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

SENTENCE = "140 foyers sur 520 (27 %) — objectif 25 % (130 foyers)"


def fill(neighbourhood: Neighbourhood, **counts: int) -> None:
    """Households of each status, in one insert (no ambassador brought them in)."""
    Household.objects.bulk_create(
        Household(neighbourhood=neighbourhood, status=status)
        for status, count in counts.items()
        for _ in range(count)
    )


@pytest.fixture
def centre_bourg(town, ambassador, neighbourhood) -> Neighbourhood:
    """The issue's Centre-Bourg: 520 households, 140 signed up, others not."""
    Neighbourhood.objects.filter(pk=neighbourhood.pk).update(
        name="Centre-Bourg", household_count=520
    )
    neighbourhood.refresh_from_db()
    fill(
        neighbourhood,
        **{
            HouseholdStatus.ACTIVE: 140,
            HouseholdStatus.PRE_REGISTERED: 30,
            HouseholdStatus.LEFT: 12,
        },
    )
    # Another neighbourhood's sign-ups never count in Centre-Bourg.
    fill(NeighbourhoodFactory(town=town), **{HouseholdStatus.ACTIVE: 55})
    return neighbourhood


def test_one_definition_in_figures():
    figures = Participation(households=520, signed_up=140)
    assert (figures.target, figures.percent, figures.target_percent) == (130, 27, 25)
    assert figures.reached and figures.share_of_target == 107
    assert Participation(0, 0).percent == 0 and Participation(0, 0).target == 0
    assert Participation(401, 100).target == 101  # rounded up


def test_home_coverage_page_and_admin_show_the_same_numbers(
    centre_bourg, ambassador, moderator
):
    home = logged_in(None).get("/").content.decode()
    row = re.search(r"<th scope=\"row\">Centre-Bourg</th>(.*?)</tr>", home).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["140", "520"]

    dashboard = logged_in(ambassador).get(reverse("ambassadors:dashboard"))
    html = dashboard.content.decode()
    assert SENTENCE in html
    # The gauge says the same; the sentence is its text equivalent.
    assert '<meter min="0" max="520" value="140" low="130" optimum="520"' in html
    (row,) = dashboard.context["rows"]
    # Registered in the neighbourhood, none of them brought in by this ambassador.
    assert (row.signed_up, row.brought_in) == (140, 0)

    admin = logged_in(moderator)
    assert SENTENCE in admin.get(reverse("ambassadors_coverage")).content.decode()
    panel = admin.get(reverse("wagtailadmin_home")).content.decode()
    line = re.search(r"<li>Val-Test — Centre-Bourg : (.*?)</li>", panel, re.S)
    assert SENTENCE in line.group(1)
    # The town total: both neighbourhoods (520 + 400 households, 140 + 55).
    assert "195 foyers sur 920 (21 %) — objectif 25 % (230 foyers)" in panel


@pytest.mark.parametrize("extra", [0, 6])
def test_the_coverage_pages_run_a_bounded_number_of_queries(
    centre_bourg,
    town,
    ambassador,
    moderator,
    extra,
    django_assert_max_num_queries,
):
    for _ in range(extra):
        hood = NeighbourhoodFactory(town=town)
        fill(hood, **{HouseholdStatus.ACTIVE: 3})
    # The ambassador covers every neighbourhood of the town.
    AmbassadorPage.objects.get(user=ambassador).neighbourhoods.set(
        Neighbourhood.objects.filter(town=town)
    )
    pages = [
        (logged_in(ambassador), reverse("ambassadors:dashboard"), 20),
        (logged_in(moderator), reverse("wagtailadmin_home"), 40),
        (logged_in(moderator), reverse("ambassadors_coverage"), 40),
        (logged_in(None), "/", 12),
    ]
    for client, url, most in pages:
        with django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code == 200
        assert SENTENCE in response.content.decode() or url == "/"


@pytest.mark.parametrize("name", ["visit_new", "pre_register"])
def test_the_doorstep_forms_offer_only_covered_neighbourhoods(
    amb_client, neighbourhood, other_neighbourhood, name
):
    html = amb_client.get(reverse(f"ambassadors:{name}")).content.decode()
    select = re.search(r'<select name="neighbourhood".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', select) == [str(neighbourhood.pk)]
    assert other_neighbourhood.name not in select
    # A forged choice is refused with the action's clear message and nothing
    # is written: tests/ambassadors/test_visits.py, test_outside_neighbourhoods_*
    # and test_pre_registration_outside_neighbourhoods_writes_nothing.
