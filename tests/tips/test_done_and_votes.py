"""« J'ai fait ça » (one per household, points through scoring) and « utile » votes."""

from scoring import client as scoring
from scoring.models import ActionType
from tests.factories import make_member, make_town
from tests.tips.helpers import make_tip
from tips.models import TipDone, TipStats, TipVote


def done_url(tip) -> str:
    return f"{tip.url}fait/"


def test_one_done_per_household_and_points_through_scoring(
    client, tip_index, resident, neighbourhood
):
    ActionType.objects.create(
        code="douche-courte", label="Douche courte", domain="water", difficulty=2
    )
    tip = make_tip(
        tip_index,
        "Prendre des douches courtes",
        domain="water",
        action_code="douche-courte",
    )
    housemate = make_member(
        tip_index.get_parent().specific, household=resident.household
    )
    neighbour = make_member(
        tip_index.get_parent().specific, neighbourhood=neighbourhood
    )

    client.force_login(resident.user)
    first = client.post(done_url(tip), follow=True)
    assert "20 points pour votre foyer" in first.text
    assert client.post(done_url(tip), follow=True).text.count("déjà fait ce geste") == 1
    client.force_login(housemate.user)
    client.post(done_url(tip))
    assert TipDone.objects.filter(tip=tip).count() == 1
    client.force_login(neighbour.user)
    client.post(done_url(tip))

    assert TipStats.objects.get(tip=tip).done_count == 2
    assert scoring.get_points(resident.household)["total"] == 20
    assert scoring.get_points(neighbour.household)["total"] == 20
    page = client.get(tip.url)
    assert "2 foyers l&#x27;ont fait" in page.text or "2 foyers l'ont fait" in page.text
    assert "Votre foyer l" in page.text


def test_done_without_a_catalogue_action_is_recorded_without_points(
    client, tip_index, resident
):
    tip = make_tip(tip_index, "Éteindre la box la nuit")
    client.force_login(resident.user)
    answer = client.post(done_url(tip), follow=True)
    assert "C&#x27;est noté" in answer.text or "C'est noté" in answer.text
    assert TipDone.objects.get(tip=tip).points_awarded is None
    assert scoring.get_points(resident.household)["total"] == 0


def test_an_unknown_catalogue_action_still_records_the_done(
    client, tip_index, resident
):
    tip = make_tip(tip_index, "Geste mystère", action_code="pas-au-catalogue")
    client.force_login(resident.user)
    answer = client.post(done_url(tip), follow=True)
    assert "n&#x27;ont pas pu être comptés" in answer.text
    assert TipDone.objects.filter(tip=tip).count() == 1


def test_useful_votes_one_per_member_and_taken_back(client, tip_index, resident):
    tip = make_tip(tip_index, "Dégivrer le congélateur")
    client.force_login(resident.user)
    client.post(f"{tip.url}utile/")
    assert TipStats.objects.get(tip=tip).useful_count == 1
    page = client.get(tip.url)
    assert 'aria-pressed="true"' in page.text
    client.post(f"{tip.url}utile/")
    assert TipStats.objects.get(tip=tip).useful_count == 0
    assert not TipVote.objects.exists()


def test_who_may_act(client, tip_index, resident):
    tip = make_tip(tip_index, "Sécher le linge dehors")
    draft = make_tip(tip_index, "Brouillon", publish=False)
    # Anonymous: to the login page, nothing written.
    assert "/compte/connexion/" in client.post(done_url(tip)).url
    client.force_login(resident.user)
    # GET changes nothing.
    assert client.get(done_url(tip)).status_code == 405
    # A draft is not found.
    assert client.post(f"{tip_index.url}{draft.slug}/fait/").status_code == 404
    # A member of another town is refused.
    other = make_town("Ailleurs", hostname="ailleurs.example")
    from tests.factories import NeighbourhoodFactory

    stranger = make_member(other, neighbourhood=NeighbourhoodFactory(town=other))
    client.force_login(stranger.user)
    assert client.post(done_url(tip)).status_code == 403
    assert client.post(f"{tip.url}utile/").status_code == 403
    assert not TipDone.objects.exists() and not TipVote.objects.exists()
