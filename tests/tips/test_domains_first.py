"""The tips list puts the household's domains first; « Tout voir » restores the
default order; the household page changes the choice, honoured at once."""

import pytest
from django.urls import reverse

from community import actions as community_actions
from community.models import Household
from tests.factories import make_member
from tests.tips.helpers import make_tip
from tips import actions
from tips.models import TIPS_PER_PAGE


def titles(response) -> list[str]:
    return [tip.title for tip in response.context["tips"]]


@pytest.fixture
def mixed(tip_index, resident, neighbourhood):
    """Four tips, most useful first: transport, waste, energy, water."""
    town = tip_index.get_parent().specific
    tips = [
        make_tip(tip_index, "Vélo", domain="transport"),
        make_tip(tip_index, "Compost", domain="waste"),
        make_tip(tip_index, "Radiateur", domain="energy"),
        make_tip(tip_index, "Douche", domain="water"),
    ]
    voters = [make_member(town, neighbourhood=neighbourhood) for _ in range(3)]
    # Useful votes: Vélo 3, Compost 2, Radiateur 1, Douche 0.
    for count, tip in zip([3, 2, 1], tips, strict=False):
        for voter in voters[:count]:
            actions.do_toggle_useful_vote(voter, tip)
    return tips


def choose(member, domains: list[str]) -> None:
    community_actions.do_set_household_domains(member.household, domains)


DEFAULT = ["Vélo", "Compost", "Radiateur", "Douche"]


def test_a_household_sees_its_domains_first_and_tout_voir_gives_the_default(
    client, tip_index, resident, mixed
):
    choose(resident, ["water", "energy"])
    client.force_login(resident.user)
    page = client.get(tip_index.url)
    # Energy and water first, each group in the sort's order, then the others.
    assert titles(page) == ["Radiateur", "Douche", "Vélo", "Compost"]
    text = page.text
    assert "D'abord vos domaines :" in text and "<strong>Énergie, Eau</strong>" in text
    assert 'href="/astuces/?tout=1">Tout voir</a>' in text
    assert 'href="/foyer/#domaines">Changer mes domaines</a>' in text

    everything = client.get(tip_index.url, {"tout": "1"})
    assert titles(everything) == DEFAULT
    assert "Vous voyez tout, dans l'ordre habituel." in everything.text
    assert 'href="/astuces/">D\'abord vos domaines</a>' in everything.text
    # The sort links keep « Tout voir ».
    assert "tri=faites&amp;tout=1" in everything.text


def test_a_transport_household_sees_transport_first(
    client, tip_index, resident, neighbourhood, mixed
):
    town = tip_index.get_parent().specific
    other = make_member(town, neighbourhood=neighbourhood)
    choose(other, ["transport"])
    choose(resident, ["water"])
    client.force_login(other.user)
    assert titles(client.get(tip_index.url, {"tri": "recentes"})) == [
        "Vélo",
        "Douche",
        "Radiateur",
        "Compost",
    ]
    client.force_login(resident.user)
    assert titles(client.get(tip_index.url))[0] == "Douche"


def test_nothing_reordered_without_a_choice_or_for_a_domain_filter(
    client, tip_index, resident, mixed
):
    # Signed up in the open without choosing: everything, in the default order.
    assert resident.household.domains == []
    client.force_login(resident.user)
    page = client.get(tip_index.url)
    assert titles(page) == DEFAULT
    assert "Votre foyer n'a pas choisi de domaine" in page.text
    # A visitor, and a household that chose all five: the default order too.
    client.logout()
    assert titles(client.get(tip_index.url)) == DEFAULT
    choose(resident, ["energy", "water", "transport", "waste", "local_food"])
    client.force_login(resident.user)
    page = client.get(tip_index.url)
    assert titles(page) == DEFAULT and "D'abord vos domaines" not in page.text
    # One domain asked: that domain only, no note.
    choose(resident, ["water"])
    page = client.get(tip_index.url, {"domaine": "energy"})
    assert titles(page) == ["Radiateur"] and "D'abord vos domaines" not in page.text


def test_pagination_keeps_tout_voir_and_the_order(client, tip_index, resident):
    for n in range(TIPS_PER_PAGE):
        make_tip(tip_index, f"Énergie {n:02d}", domain="energy")
    make_tip(tip_index, "Eau seule", domain="water")
    choose(resident, ["water"])
    client.force_login(resident.user)
    first = client.get(tip_index.url, {"tri": "recentes"})
    assert titles(first)[0] == "Eau seule"
    everything = client.get(tip_index.url, {"tri": "recentes", "tout": "1"})
    assert titles(everything)[0] == "Eau seule"  # the newest anyway
    assert "tri=recentes&amp;tout=1&amp;page=2" in everything.text
    second = client.get(tip_index.url, {"tri": "recentes", "page": "2"})
    assert "Eau seule" not in titles(second) and len(titles(second)) == 1


def test_the_domains_first_list_runs_the_same_queries_whatever_its_length(
    client, tip_index, resident, django_assert_max_num_queries
):
    choose(resident, ["water", "energy"])
    client.force_login(resident.user)
    make_tip(tip_index, "Seule", domain="water")
    client.get(tip_index.url)  # the site lookup, cached from then on
    with django_assert_max_num_queries(20) as few:
        assert client.get(tip_index.url).status_code == 200
    for n in range(TIPS_PER_PAGE + 5):
        domain = ["water", "transport", "energy"][n % 3]
        tip = make_tip(tip_index, f"Astuce {n}", domain=domain, author=resident)
        actions.check_mark_done(resident, tip)
    with django_assert_max_num_queries(20) as many:
        assert client.get(tip_index.url).status_code == 200
    assert len(many) == len(few)


def test_a_change_on_the_household_page_is_honoured_at_once(
    client, tip_index, resident, neighbourhood, mixed
):
    town = tip_index.get_parent().specific
    housemate = make_member(town, household=resident.household)
    client.force_login(housemate.user)
    page = client.get(reverse("household_detail", args=[resident.household.public_id]))
    assert 'name="domains" value="transport"' in page.text
    response = client.post(
        reverse("household_domains", args=[resident.household.public_id]),
        {"domains": ["waste"]},
    )
    url = reverse("household_detail", args=[resident.household.public_id])
    assert response.status_code == 302 and response["Location"] == f"{url}#domaines"
    assert Household.objects.get(pk=resident.household_id).domains == ["waste"]
    # The other member of the household sees the change on their next page.
    client.force_login(resident.user)
    assert titles(client.get(tip_index.url))[0] == "Compost"


def test_a_tips_discussion_takes_its_domain_and_stays_out_of_mon_fil(
    client, tip_index, resident, neighbourhood
):
    from feeds.models import Post

    tip = make_tip(tip_index, "Mousseurs", domain="water", author=resident)
    actions.check_comment_tip(resident, tip, body="Testé !", client_key="tip-cle-1")
    assert Post.objects.get(tip=tip).domain == "water"
    # Even first for a water household, a tip's discussion is not a feed post.
    choose(resident, ["water"])
    client.force_login(resident.user)
    assert "Mousseurs" not in client.get(reverse("feeds:mine")).text
