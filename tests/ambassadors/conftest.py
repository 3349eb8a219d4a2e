"""Fixtures of the ambassadors' tests: an index page, ambassadors with pages that
cover neighbourhoods, a resident, a moderator and an action of the catalogue."""

import itertools
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import AmbassadorIndexPage, AmbassadorPage
from community import roles
from community.models import HouseholdStatus, Neighbourhood, TownPage
from scoring.models import ActionType
from tests.factories import (
    NeighbourhoodFactory,
    make_household,
    make_member,
    make_staff,
)

_slugs = itertools.count(1)


@pytest.fixture
def other_neighbourhood(town: TownPage) -> Neighbourhood:
    return NeighbourhoodFactory(town=town)


@pytest.fixture
def ambassador_index(town: TownPage) -> AmbassadorIndexPage:
    return town.add_child(
        instance=AmbassadorIndexPage(title="Les ambassadeurs", slug="ambassadeurs")
    )


@pytest.fixture
def make_ambassador(
    town: TownPage, ambassador_index: AmbassadorIndexPage
) -> Callable[..., User]:
    def make(*neighbourhoods: Neighbourhood, name: str = "Léa") -> User:
        user = make_staff(town, roles.AMBASSADOR)
        page = ambassador_index.add_child(
            instance=AmbassadorPage(
                title=name, slug=f"{name.lower()}-{next(_slugs)}", user=user
            )
        )
        page.neighbourhoods.set(neighbourhoods)
        page.save()
        return user

    return make


@pytest.fixture
def ambassador(make_ambassador, neighbourhood) -> User:
    return make_ambassador(neighbourhood, name="Lea")


@pytest.fixture
def other_ambassador(make_ambassador, other_neighbourhood) -> User:
    return make_ambassador(other_neighbourhood, name="Yanis")


@pytest.fixture
def moderator(town) -> User:
    return make_staff(town, roles.MODERATOR)


@pytest.fixture
def resident(town, neighbourhood) -> User:
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    return make_member(town, household=household).user


def logged_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def amb_client(ambassador) -> Client:
    return logged_in(ambassador)


@pytest.fixture
def action_type(db) -> ActionType:
    return ActionType.objects.create(
        code="douche-courte", label="Douche de 5 minutes", domain="water"
    )
