"""Challenges offered put the household's domains first: the index page (with
« Tout voir »), the home's and the welcome's offers, the dashboard's sections."""

import re

import pytest
from django.urls import reverse

from community import actions as community_actions
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
