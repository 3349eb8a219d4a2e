import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import roles
from tests.factories import make_household, make_member, make_staff


def household_url(member) -> str:
    return reverse("household_detail", args=[member.household.public_id])


def test_a_member_reads_their_household_page(client, town, neighbourhood):
    anne = make_member(town, neighbourhood=neighbourhood, display_name="Anne B.")
    paul = make_member(town, household=anne.household, display_name="Paul B.")
    client.force_login(paul.user)

    response = client.get(reverse("household"), follow=True)

    assert response.redirect_chain[-1][0] == household_url(anne)
    body = response.content.decode()
    assert "Anne B." in body and "Paul B." in body
    assert anne.household.public_id in body


@pytest.mark.parametrize("who", ["other_household", "moderator", "ambassador"])
def test_nobody_outside_the_household_reads_its_page(client, town, neighbourhood, who):
    anne = make_member(town, neighbourhood=neighbourhood)
    if who == "other_household":
        visitor = make_member(town, neighbourhood=neighbourhood).user
    else:
        role = roles.MODERATOR if who == "moderator" else roles.AMBASSADOR
        visitor = make_staff(town, role)
    client.force_login(visitor)

    response = client.get(household_url(anne))

    assert response.status_code == 404
    assert anne.display_name not in response.content.decode()


def test_an_unknown_id_and_a_forbidden_one_look_the_same(client, town, neighbourhood):
    anne = make_member(town, neighbourhood=neighbourhood)
    bruno = make_member(town, neighbourhood=neighbourhood)
    client.force_login(bruno.user)
    forbidden = client.get(household_url(anne))
    unknown = client.get(reverse("household_detail", args=["AAAAAAAAAA"]))
    assert forbidden.status_code == unknown.status_code == 404


def test_an_anonymous_visitor_is_asked_to_log_in(client, town, neighbourhood):
    anne = make_member(town, neighbourhood=neighbourhood)
    response = client.get(household_url(anne))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_household_page_queries_do_not_grow_with_its_members(
    client, town, neighbourhood
):
    anne = make_member(town, neighbourhood=neighbourhood)
    client.force_login(anne.user)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(household_url(anne)).status_code == 200
        return len(queries)

    # The first page of a process reads its town (community/towns.py keeps
    # it); count from the second, as every later page is.
    queries_for_page()
    with_one = queries_for_page()
    for _ in range(6):
        make_member(town, household=anne.household)
    assert queries_for_page() == with_one


def test_a_pre_registered_household_has_no_page_for_outsiders(
    client, town, neighbourhood
):
    household = make_household(neighbourhood)
    bruno = make_member(town, neighbourhood=neighbourhood)
    client.force_login(bruno.user)
    response = client.get(reverse("household_detail", args=[household.public_id]))
    assert response.status_code == 404
