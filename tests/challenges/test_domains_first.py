"""Challenges offered put the household's domains first: the index page (with
« Tout voir »), the home's and the welcome's offers, the dashboard's sections."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from community import actions as community_actions
from scoring.actions import ReadingRow, do_import_readings
from tests.challenges.conftest import log, make_action_type, make_challenge

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [challenge.title for challenge in response.context["challenges"]]


@pytest.fixture
def three(challenge_index):
    """Water started first, then transport, then energy (latest start)."""
    made = {}
    for days, domain in [(-30, "water"), (-20, "transport"), (-10, "energy")]:
        made[domain] = make_challenge(
            challenge_index, [make_action_type(domain=domain)], start_in_days=days
        )
    return made


def test_the_index_puts_the_households_domains_first(
    client, member, challenge_index, three
):
    default = [three[d].title for d in ("energy", "transport", "water")]
    client.force_login(member.user)
    assert _titles(client.get(challenge_index.url)) == default
    community_actions.do_set_household_domains(member.household, ["water"])
    page = client.get(challenge_index.url)
    assert _titles(page) == [three[d].title for d in ("water", "energy", "transport")]
    assert "D'abord vos domaines :" in page.text and "<strong>Eau</strong>" in page.text
    everything = client.get(challenge_index.url, {"tout": "1"})
    assert _titles(everything) == default


def test_the_home_and_the_welcome_offer_the_households_domains_first(
    client, member, three
):
    community_actions.do_set_household_domains(member.household, ["transport"])
    client.force_login(member.user)
    home = client.get("/")
    offered = re.findall(r'<li><a href="[^"]+">(Défi \d+)</a>', home.text)
    assert offered[0] == three["transport"].title
    welcome = client.get(reverse("welcome_step", args=["defi"]))
    assert [c.title for c in welcome.context["challenges"]][0] == three[
        "transport"
    ].title


def test_the_dashboard_lists_the_households_domains_first(
    client, participant, challenge, action_type
):
    log(participant, challenge, action_type)
    community_actions.do_set_household_domains(participant.household, ["waste"])
    client.force_login(participant.user)
    body = client.get("/foyer/tableau-de-bord/").text
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', body)
    assert rows[:2] == ["Tri des déchets", "Énergie"]


def test_the_domains_first_index_runs_the_same_queries_whatever_its_length(
    client, member, challenge_index, three, django_assert_max_num_queries
):
    community_actions.do_set_household_domains(member.household, ["water"])
    client.force_login(member.user)
    client.get(challenge_index.url)  # the site lookup, cached from then on
    with django_assert_max_num_queries(40) as few:
        assert client.get(challenge_index.url).status_code == 200
    for days in range(-9, 0):
        domain = ["water", "energy", "waste"][days % 3]
        make_challenge(
            challenge_index, [make_action_type(domain=domain)], start_in_days=days
        )
    with django_assert_max_num_queries(40) as many:
        assert client.get(challenge_index.url).status_code == 200
    assert len(many) == len(few)


def test_the_dashboard_puts_the_households_consumption_first(client, member):
    start = timezone.localdate() - timedelta(days=4)
    do_import_readings(
        ReadingRow(member.household.pk, metric, start + timedelta(days=i), Decimal(9))
        for metric in ("electricity_kwh", "water_l")
        for i in range(5)
    )
    client.force_login(member.user)

    def sections() -> list[str]:
        body = client.get("/foyer/tableau-de-bord/?periode=semaine").text
        return re.findall(r"<h3>([^<]+)</h3>", body)[:2]

    assert sections() == ["Électricité (kWh)", "Eau (litres)"]
    community_actions.do_set_household_domains(member.household, ["water"])
    assert sections() == ["Eau (litres)", "Électricité (kWh)"]
