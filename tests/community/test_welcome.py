"""The welcome path after sign-up and a member's home, through the real forms.

Everything goes through the test client, which runs no JavaScript: the path is
plain forms and links.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambassadors.models import Onboarding
from challenges import actions as challenge_actions
from challenges.models import Participation, Reward, Scope, Shop
from community import roles
from community.models import Household, Member
from feeds import actions as feed_actions
from tests.challenges.conftest import (
    log,
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.community.test_signup import SIGNUP_URL, form_data
from tests.factories import (
    NeighbourhoodFactory,
    make_household,
    make_invitation,
    make_member,
    make_staff,
)
from tests.feeds.conftest import png

HOME = "/"


@pytest.fixture
def invited(neighbourhood):
    """A household pre-registered (energy) with a card's code."""
    return make_invitation(make_household(neighbourhood))


def neighbourhood_challenge(town, neighbourhood, title: str):
    """A running challenge open to one neighbourhood only, named `title`."""
    challenge = make_challenge(
        make_challenge_index(town),
        [make_action_type()],
        scope=Scope.NEIGHBOURHOOD,
        neighbourhood=neighbourhood,
    )
    challenge.title = title
    challenge.save_revision().publish()
    challenge.refresh_from_db()
    return challenge


@pytest.fixture
def challenge(town, neighbourhood):
    """A challenge of the invited household's neighbourhood, running."""
    return neighbourhood_challenge(town, neighbourhood, "Douches courtes")


def signed_up(client: Client, invited) -> Member:
    response = client.post(SIGNUP_URL, form_data(code=invited.code))
    assert response.status_code == 302
    assert response.url == reverse("welcome")
    return Member.objects.get(user__username="nadia@example.org")


def html(response) -> str:
    return response.content.decode()


def link(body: str, text: str) -> str:
    """The href of the link whose text is `text` (fails when there is none)."""
    match = re.search(rf'<a[^>]*href="([^"]+)"[^>]*>{re.escape(text)}</a>', body)
    assert match, f"no link « {text} »"
    return match.group(1)


def test_sign_up_walks_the_three_steps_and_lands_on_home(client, invited, challenge):
    member = signed_up(client, invited)

    response = client.get(reverse("welcome"))
    assert response.url == "/bienvenue/domaines/"
    step = client.get(response.url)
    body = html(step)
    assert step.status_code == 200
    assert "Étape 1 sur 3" in body
    assert body.count("<h1") == 1
    # The domain the ambassador noted at the door is ticked: confirm or change.
    assert re.search(r'value="energy"[^>]*checked', body)
    assert link(body, "Passer") == "/bienvenue/compteurs/"
    # A plain form: a POST with a submit button, nothing that needs a script.
    assert '<form method="post"' in body and 'type="submit"' in body

    response = client.post("/bienvenue/domaines/", {"domains": ["water", "waste"]})
    assert response.url == "/bienvenue/compteurs/"
    assert Household.objects.get(pk=invited.household_id).domains == [
        "water",
        "waste",
    ]

    body = html(client.get("/bienvenue/compteurs/"))
    assert "Étape 2 sur 3" in body
    assert "Enedis" in body and "GRDF" in body
    assert link(body, "Plus tard") == "/bienvenue/defi/"
    response = client.post("/bienvenue/compteurs/")
    assert response.url == reverse("meters:home") + "#envoyer-fichier"
    assert client.get(reverse("meters:home")).status_code == 200

    # Back from « Mes compteurs »: the path resumes at the step left.
    assert client.get(reverse("welcome")).url == "/bienvenue/defi/"
    body = html(client.get("/bienvenue/defi/"))
    assert "Étape 3 sur 3" in body
    assert "Douches courtes" in body
    response = client.post("/bienvenue/defi/", {"challenge": challenge.pk})
    assert response.url == HOME
    # Joined through the challenges' own action: an active participation.
    joined = Participation.objects.get(
        challenge=challenge, household_id=invited.household_id
    )
    assert joined.left_at is None and joined.joined_by_id == member.pk
    member.refresh_from_db()
    assert member.welcome_done == ["domaines", "compteurs", "defi"]
    assert member.welcome_completed_at is not None

    home = client.get(HOME)
    body = html(home)
    assert "Bonjour, Nadia K." in body
    assert "Votre accueil est terminé" in body
    assert "Douches courtes" in body
    assert re.search(r'<progress[^>]*max="3" value="0"', body)
    # (Without a French catalogue, the plural follows gettext's n != 1.)
    assert re.search(r'id="progression-texte-\d+"[^>]*>0 actions? sur 3<', body)
    assert re.search(r"<strong>0</strong> points? à dépenser", body)
    assert "Terminer mon accueil" not in body

    # Done: the path is not offered, nor forced, again.
    assert client.get(reverse("welcome")).url == HOME
    # A step may still be opened to change a choice; it is not « terminé » twice.
    again = client.post("/bienvenue/domaines/", {"domains": ["energy"]}, follow=True)
    assert again.redirect_chain == [(HOME, 302)]
    assert "Votre accueil est terminé" not in html(again)


def test_every_step_can_be_skipped_and_the_home_offers_to_finish(client, invited):
    member = signed_up(client, invited)
    url = client.get(reverse("welcome")).url
    for label in ("Passer", "Plus tard", "Plus tard"):
        page = client.get(url)
        assert page.status_code == 200
        url = link(html(page), label)
    assert url == HOME

    member.refresh_from_db()
    assert member.welcome_done == [] and member.welcome_completed_at is None
    assert Household.objects.get(pk=invited.household_id).domains == ["energy"]
    assert not Participation.objects.exists()

    body = html(client.get(HOME))
    assert "Votre accueil n'est pas terminé" in body
    assert link(body, "Terminer mon accueil") == reverse("welcome")
    assert client.get(reverse("welcome")).url == "/bienvenue/domaines/"


def test_no_challenge_open_the_last_step_says_so_and_finishes(client, invited):
    member = signed_up(client, invited)
    client.post("/bienvenue/domaines/", {"domains": ["energy"]})
    client.post("/bienvenue/compteurs/")
    body = html(client.get("/bienvenue/defi/"))
    assert "Aucun défi n'est ouvert dans votre quartier" in body
    response = client.post("/bienvenue/defi/", {"continuer": "1"})
    assert response.url == HOME
    member.refresh_from_db()
    assert member.welcome_completed_at is not None


def test_an_empty_choice_of_domains_is_refused_and_changes_nothing(client, invited):
    member = signed_up(client, invited)
    response = client.post("/bienvenue/domaines/", {})
    assert response.status_code == 400
    assert "Cochez au moins un domaine" in html(response)
    assert Household.objects.get(pk=invited.household_id).domains == ["energy"]
    member.refresh_from_db()
    assert member.welcome_done == []


def test_a_challenge_of_another_neighbourhood_cannot_be_joined(
    client, invited, town, challenge
):
    elsewhere = neighbourhood_challenge(
        town, NeighbourhoodFactory(town=town), "Ailleurs"
    )
    signed_up(client, invited)
    body = html(client.get("/bienvenue/defi/"))
    assert "Douches courtes" in body and "Ailleurs" not in body
    response = client.post("/bienvenue/defi/", {"challenge": elsewhere.pk})
    assert response.status_code == 400
    assert "plus ouvert à votre foyer" in html(response)
    assert not Participation.objects.exists()


def test_the_path_needs_a_household_and_a_session(client, town):
    assert client.get("/bienvenue/domaines/").url.startswith(reverse("login"))
    staff = make_staff(town, roles.AMBASSADOR)
    client.force_login(staff)
    assert client.get(reverse("welcome")).status_code == 404
    assert client.get("/bienvenue/defi/").status_code == 404


def test_an_unknown_step_is_404(client, invited):
    signed_up(client, invited)
    assert client.get("/bienvenue/etape-inconnue/").status_code == 404


def test_anonymous_visitors_keep_the_public_home(client, town, neighbourhood):
    body = html(client.get(HOME))
    assert "Comment participer" in body
    assert "Bonjour," not in body


def test_an_empty_home_says_what_to_do_next(client, member):
    client.force_login(member.user)
    body = html(client.get(HOME))
    assert "Personne n'a encore rien publié près de chez vous" in body
    assert "Aucun défi n'est ouvert à votre quartier" in body
    assert "Rien n'est annoncé pour l'instant" in body
    assert "n'ont pas encore publié d'offre" in body


# --- the home's queries -------------------------------------------------------


def _shop_offers(town, count: int, points: int = 5) -> None:
    shop = Shop.objects.create(town=town, name="Boulangerie du Parc")
    Reward.objects.bulk_create(
        Reward(shop=shop, title=f"Croissant {n}", points=points) for n in range(count)
    )


def _busy_town(town, neighbourhood, member, count: int) -> None:
    """`count` posts (one with a picture) by confirmed neighbours, `count`
    challenges the member's household is in, `count` offers it can afford."""
    ambassador = make_staff(town, roles.AMBASSADOR)
    index = make_challenge_index(town)
    action_type = make_action_type()
    for n in range(count):
        author = make_member(town, neighbourhood=neighbourhood, display_name=f"V{n}")
        Onboarding.objects.create(household=author.household, ambassador=ambassador)
        feed_actions.check_create_post(
            author,
            body=f"Nouvelle {n}",
            client_key=f"cle-{n}",
            target="neighbourhood",
            neighbourhood_id=neighbourhood.pk,
            # The latest post carries a picture (the home shows the latest).
            images=[png()] if n == count - 1 else [],
        )
        challenge = make_challenge(index, [action_type])
        challenge_actions.check_join(member, challenge)
        if n == 0:
            log(member, challenge, action_type)  # 10 points, through the action
    _shop_offers(town, count)


def _home_queries(member) -> tuple[int, str]:
    client = Client()
    client.force_login(member.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries), html(response)


# Session, user, member, the site and page, two feeds (posts, pictures, reactions
# and the viewer's own), the challenges, the next start, the balance, the offers,
# the header's notifications and permissions: measured 24 with 1 and with 30.
HOME_QUERIES = 24


@pytest.mark.parametrize("count", [1, 30])
def test_the_home_runs_a_fixed_number_of_queries(
    town, neighbourhood, count, django_assert_max_num_queries
):
    town.post_rate = 10_000  # the town's « Réglages »
    town.save(update_fields=["post_rate"])
    member = make_member(town, neighbourhood=neighbourhood, display_name="Anne")
    _busy_town(town, neighbourhood, member, count)
    client = Client()
    client.force_login(member.user)
    client.get(HOME)  # caches warmed (site root paths), as on any later visit
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    body = html(response)
    assert body.count('class="home-post"') == min(count, 6)
    assert body.count("<progress") == min(count, 3)
    assert 'class="home-thumbnails"' in body
    assert "Croissant 0" in body


def test_the_query_count_does_not_grow_with_the_data(town, neighbourhood):
    town.post_rate = 10_000  # the town's « Réglages »
    town.save(update_fields=["post_rate"])
    few = make_member(town, neighbourhood=neighbourhood, display_name="Anne")
    _busy_town(town, neighbourhood, few, 1)
    _home_queries(few)
    small, _ = _home_queries(few)

    many_place = NeighbourhoodFactory(town=town)
    many = make_member(town, neighbourhood=many_place, display_name="Paul")
    _busy_town(town, many_place, many, 30)
    _home_queries(many)
    large, _ = _home_queries(many)
    assert small == large


def test_a_home_without_a_challenge_offers_the_open_ones(client, member, town):
    open_one = neighbourhood_challenge(
        town, member.household.neighbourhood, "Compost en bas de chez soi"
    )
    client.force_login(member.user)
    body = html(client.get(HOME))
    assert "Votre foyer ne participe à aucun défi" in body
    assert link(body, "Compost en bas de chez soi") == open_one.url
    # The next date near the member: the end of the challenge open to them.
    assert "Fin du défi « Compost en bas de chez soi »" in body
    assert f'datetime="{open_one.end_date:%Y-%m-%d}"' in body


@pytest.mark.django_db
def test_the_demo_s_members_are_not_sent_through_the_welcome_again():
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    assert Member.objects.exists()
    assert not Member.objects.filter(welcome_completed_at__isnull=True).exists()
