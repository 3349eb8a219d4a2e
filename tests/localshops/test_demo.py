"""The demo's shops, producers, calendar and purchase: seeded once, again is a no-op."""

import pytest

from challenges.models import Shop
from community.models import HouseholdStatus
from demo.localshops import CALENDAR, PRODUCERS, PURCHASE_BUYER, seed_demo_localshops
from localshops.models import LocalBusiness, LocalPurchase, Produce
from scoring.models import LedgerEntry
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db


def test_the_demo_step_seeds_once(town, neighbourhood):
    Shop.objects.create(town=town, name="Épicerie vrac La Graine")
    household = make_household(neighbourhood, status=HouseholdStatus.ACTIVE)
    make_member(town, household=household, email=PURCHASE_BUYER)

    seed_demo_localshops(town)
    seed_demo_localshops(town)

    assert Produce.objects.filter(town=town).count() == len(CALENDAR) >= 20
    businesses = LocalBusiness.objects.filter(town=town)
    assert businesses.count() == len(PRODUCERS) + 1
    assert businesses.get(name="Épicerie vrac La Graine").accepts_rewards
    producers = businesses.filter(reward_shop__isnull=True)
    assert all(b.products.exists() for b in producers)
    [purchase] = LocalPurchase.objects.filter(household=household)
    assert purchase.points_awarded > 0
    assert LedgerEntry.objects.filter(household=household, proof="photo").count() == 1
