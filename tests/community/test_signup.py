import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from community import actions
from community.models import Household, HouseholdStatus, Invitation, Member
from tests.factories import (
    PASSWORD,
    NeighbourhoodFactory,
    make_household,
    make_invitation,
    make_member,
    make_town,
)

SIGNUP_URL = reverse("signup")


def form_data(**overrides) -> dict:
    data = {
        "code": "",
        "display_name": "Nadia K.",
        "email": "nadia@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def assert_nothing_created(users_before: int, members_before: int) -> None:
    assert User.objects.count() == users_before
    assert Member.objects.count() == members_before


@pytest.fixture
def invited(neighbourhood):
    household = make_household(neighbourhood)
    return make_invitation(household)


def test_a_valid_code_joins_the_household_and_activates_it(client, invited):
    response = client.post(SIGNUP_URL, form_data(code=invited.code))

    assert response.status_code == 302
    member = Member.objects.get(user__username="nadia@example.org")
    assert member.household == invited.household
    invited.refresh_from_db()
    assert invited.used_by == member.user and invited.used_at is not None
    household = Household.objects.get(pk=invited.household_id)
    assert household.status == HouseholdStatus.ACTIVE
    assert household.joined_at is not None
    # Signed in at once, and sent to the welcome path.
    assert response.url == reverse("welcome")
    assert client.get(response.url).url == "/bienvenue/domaines/"


def test_a_code_is_accepted_however_it_is_typed(client, invited):
    typed = invited.code.lower().replace("-", " ")
    response = client.post(SIGNUP_URL, form_data(code=typed))
    assert response.status_code == 302
    assert Member.objects.get(user__username="nadia@example.org").household_id == (
        invited.household_id
    )


def test_the_qr_link_fills_the_code_in(client, invited):
    response = client.get(SIGNUP_URL, {"code": invited.code})
    assert f'value="{invited.code}"' in response.content.decode()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("expired", "Ce code d&#x27;invitation a expiré"),
        ("used", "Ce code d&#x27;invitation a déjà été utilisé"),
        ("unknown", "Ce code d&#x27;invitation est inconnu"),
    ],
)
def test_a_bad_code_says_why_and_creates_nothing(
    client, town, neighbourhood, case, message
):
    household = make_household(neighbourhood)
    if case == "expired":
        code = make_invitation(household, expires_in=-timedelta(minutes=1)).code
    elif case == "used":
        invitation = make_invitation(household)
        make_member(town, household=household)  # uses another code of the household
        invitation.used_at = invitation.created_at
        invitation.save(update_fields=["used_at"])
        code = invitation.code
    else:
        code = "ZZZZ-ZZZZ"
    users, members = User.objects.count(), Member.objects.count()
    households = Household.objects.count()

    response = client.post(SIGNUP_URL, form_data(code=code))

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    # What the person typed is still there.
    assert 'value="Nadia K."' in body and 'value="nadia@example.org"' in body
    assert_nothing_created(users, members)
    assert Household.objects.count() == households


def test_a_code_of_another_town_is_unknown_here(client, town):
    elsewhere = make_town("Autreville", hostname="autreville.test")
    other_household = make_household(NeighbourhoodFactory(town=elsewhere))
    code = make_invitation(other_household).code
    response = client.post(SIGNUP_URL, form_data(code=code))
    assert "Ce code d&#x27;invitation est inconnu" in response.content.decode()
    assert not Invitation.objects.filter(code=code, used_at__isnull=False).exists()


def test_a_full_household_refuses_one_more_member(
    client, town, neighbourhood, settings
):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "HOUSEHOLD_MAX_MEMBERS": 1}
    household = make_household(neighbourhood)
    make_member(town, household=household)
    code = make_invitation(household).code
    members = Member.objects.count()
    response = client.post(SIGNUP_URL, form_data(code=code))
    assert "le nombre maximal de membres" in response.content.decode()
    assert Member.objects.count() == members


def test_open_sign_up_creates_a_household_in_the_chosen_neighbourhood(
    client, neighbourhood
):
    response = client.post(
        SIGNUP_URL,
        form_data(neighbourhood=neighbourhood.pk, domains=["water", "transport"]),
    )
    assert response.status_code == 302
    household = Member.objects.get(user__username="nadia@example.org").household
    assert household.neighbourhood == neighbourhood
    assert household.status == HouseholdStatus.ACTIVE
    assert household.domains == ["water", "transport"]


def test_open_sign_up_needs_a_neighbourhood(client, neighbourhood):
    users, members = User.objects.count(), Member.objects.count()
    response = client.post(SIGNUP_URL, form_data())
    assert "Choisissez votre quartier" in response.content.decode()
    assert_nothing_created(users, members)


def test_without_open_sign_up_a_code_is_required(client, town, neighbourhood):
    town.open_signup = False  # the town's « Réglages »
    town.save(update_fields=["open_signup"])
    users, members = User.objects.count(), Member.objects.count()
    response = client.post(SIGNUP_URL, form_data(neighbourhood=neighbourhood.pk))
    assert response.status_code == 200
    assert "Champ requis." in response.content.decode()
    assert_nothing_created(users, members)


def test_an_address_already_used_is_refused(client, town, neighbourhood):
    make_member(town, neighbourhood=neighbourhood, email="nadia@example.org")
    users = User.objects.count()
    response = client.post(
        SIGNUP_URL, form_data(email="Nadia@Example.org", neighbourhood=neighbourhood.pk)
    )
    assert (
        "Un compte existe déjà avec cette adresse e-mail" in response.content.decode()
    )
    assert User.objects.count() == users


def test_mismatched_passwords_are_refused(client, neighbourhood):
    users = User.objects.count()
    response = client.post(
        SIGNUP_URL,
        form_data(password2="autre-chose-encore", neighbourhood=neighbourhood.pk),
    )
    assert "Les deux mots de passe diffèrent" in response.content.decode()
    assert User.objects.count() == users


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_racing_for_one_code_cannot_both_use_it(town, neighbourhood):
    code = make_invitation(make_household(neighbourhood)).code
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_up(email: str) -> None:
        barrier.wait()
        try:
            actions.check_sign_up(
                town,
                email=email,
                password=PASSWORD,
                display_name=email,
                language="fr",
                code=code,
            )
            outcomes.append("joined")
        except ValidationError as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign_up, args=(f"course{i}@example.org",))
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ValidationError", "joined"]
    assert Member.objects.filter(household__invitations__code=code).count() == 1


def test_a_signed_in_person_is_sent_to_their_household(client, member):
    client.force_login(member.user)
    assert client.get(SIGNUP_URL).url == reverse("household")


def test_sign_up_page_renders_for_a_fresh_visitor(client, town):
    response = Client().get(SIGNUP_URL)
    assert response.status_code == 200
    assert "<h1>Inscription</h1>" in response.content.decode()
