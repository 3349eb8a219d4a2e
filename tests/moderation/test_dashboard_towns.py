"""The admin home's « Commune » choice: whoever sees several towns narrows the
panels (moderation figures, coverage) to one; a one-town moderator has no
choice, and a forged `?town=` of another town changes nothing."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from moderation import actions
from moderation.models import Reason
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.moderation.conftest import post_as

pytestmark = pytest.mark.django_db

HOME = "wagtailadmin_home"


@pytest.fixture
def two_towns(town, neighbourhood, author, reporters):
    """Two open cases in the moderator's town, one in « Ailleurs »."""
    for n in range(2):
        post = post_as(author, f"Publication {n} à signaler")
        actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
    other = make_town("Ailleurs", hostname="ailleurs.test")
    tilleuls = NeighbourhoodFactory(town=other, name="Les Tilleuls")
    far_author = make_member(other, neighbourhood=tilleuls, display_name="Loin A.")
    far_reporter = make_member(other, neighbourhood=tilleuls, display_name="Loin B.")
    post = post_as(far_author, "Publication d'ailleurs")
    actions.check_report(far_reporter, "post", post.pk, reason=Reason.SPAM)
    return town, other


def test_a_superuser_chooses_the_town_of_the_panels(client, two_towns, neighbourhood):
    town, other = two_towns
    admin = User.objects.create_superuser("admin@example.org", "admin@example.org")
    client.force_login(admin)

    everything = client.get(reverse(HOME))
    assert everything.status_code == 200
    page = everything.content.decode()
    assert 'name="town"' in page and "Ailleurs" in page and "Val-Test" in page
    assert "3 signalements à traiter" in page
    assert "Les Tilleuls" in page and neighbourhood.name in page

    narrowed = client.get(reverse(HOME), {"town": other.pk}).content.decode()
    assert "1 signalement à traiter" in narrowed
    assert f'<option value="{other.pk}" selected>' in narrowed
    assert "Les Tilleuls" in narrowed and neighbourhood.name not in narrowed
    assert "Foyers inscrits, Ailleurs :" in narrowed
    # The panels' links keep the choice.
    assert f"town={other.pk}" in narrowed.split("signalement à traiter")[0]
    assert f"?town={other.pk}" in narrowed

    mine = client.get(reverse(HOME), {"town": town.pk}).content.decode()
    assert "2 signalements à traiter" in mine and "Les Tilleuls" not in mine

    # Not a town id: every town, as without a choice.
    assert "3 signalements" in client.get(reverse(HOME), {"town": "x"}).text


def test_a_one_town_moderator_has_no_choice_and_a_forged_town_is_ignored(
    client, two_towns, moderator, neighbourhood
):
    town, other = two_towns
    client.force_login(moderator)
    page = client.get(reverse(HOME)).content.decode()
    assert 'id="dashboard-town"' not in page
    assert "2 signalements à traiter" in page
    assert neighbourhood.name in page and "Les Tilleuls" not in page

    forged = client.get(reverse(HOME), {"town": other.pk}).content.decode()
    assert forged.count("signalements à traiter") == 1
    assert "2 signalements à traiter" in forged and "1 signalement " not in forged
    assert "Les Tilleuls" not in forged and "Ailleurs" not in forged
    assert f"town={other.pk}" not in forged
