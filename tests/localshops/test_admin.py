"""The directory and the seasonal calendar in the admin: a moderator manages
their town's, never sees another town's; a new reward shop joins the directory."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from challenges.models import Shop
from community.models import Role
from localshops.models import LocalBusiness, LocalPurchase, Produce
from tests.factories import make_staff, make_town
from tests.localshops.conftest import months

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_towns(town, shops):
    other = make_town("Rivemont", hostname="rivemont.test")
    theirs = LocalBusiness.objects.create(town=other, name="Zorglub Primeurs")
    produce = Produce.objects.create(town=other, name="Zorglub-kiwi", months=months(1))
    return other, theirs, produce


def test_a_moderator_manages_their_towns_businesses_only(town, shops, two_towns):
    _, theirs, their_produce = two_towns
    moderator = signed_in(make_staff(town, Role.MODERATOR))
    listing = moderator.get(reverse("wagtailsnippets_localshops_localbusiness:list"))
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "Les Jardins de la Lys" in content and "Zorglub" not in content
    produce = moderator.get(reverse("wagtailsnippets_localshops_produce:list"))
    assert "Fraise" in produce.content.decode()
    assert "Zorglub" not in produce.content.decode()
    for namespace, pk in (
        ("wagtailsnippets_localshops_localbusiness", theirs.pk),
        ("wagtailsnippets_localshops_produce", their_produce.pk),
    ):
        for view in ("edit", "delete"):
            url = reverse(f"{namespace}:{view}", args=[pk])
            assert moderator.get(url).status_code == 404, url

    # Their own: the form offers this town's produce only, and saves.
    edit = reverse(
        "wagtailsnippets_localshops_localbusiness:edit", args=[shops["cheese"].pk]
    )
    form = moderator.get(edit)
    assert form.status_code == 200
    assert "Zorglub-kiwi" not in form.content.decode()
    saved = moderator.post(
        edit,
        {
            "town": town.pk,
            "name": "Fromagerie Morel",
            "kind": "market_stall",
            "description": "Tommes et yaourts de la ferme.",
            "products": [shops["leek"].pk],
            "opening_hours": "Samedi matin",
            "address": "",
            "latitude": "",
            "longitude": "",
            "website": "",
            "phone": "",
            "reward_shop": "",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    cheese = LocalBusiness.objects.get(pk=shops["cheese"].pk)
    assert cheese.opening_hours == "Samedi matin"
    assert list(cheese.products.all()) == [shops["leek"]]


def test_the_seasonal_calendar_is_twelve_checkboxes(town, shops):
    moderator = signed_in(make_staff(town, Role.MODERATOR))
    add = reverse("wagtailsnippets_localshops_produce:add")
    form = moderator.get(add).content.decode()
    assert form.count('name="months"') == 12
    created = moderator.post(
        add,
        {"town": town.pk, "name": "Cerise", "category": "fruit", "months": ["6", "7"]},
    )
    assert created.status_code == 302
    cherry = Produce.objects.get(name="Cerise")
    assert cherry.month_numbers == [6, 7]


def test_a_new_reward_shop_joins_the_directory(town):
    superuser = signed_in(
        User.objects.create_superuser("root", "root@example.org", "x")
    )
    created = superuser.post(
        reverse("wagtailsnippets_challenges_shop:add"),
        {"town": town.pk, "name": "Épicerie Solidaire", "address": "3 place"},
    )
    assert created.status_code == 302
    shop = Shop.objects.get(name="Épicerie Solidaire")
    business = LocalBusiness.objects.get(reward_shop=shop)
    assert business.town_id == town.pk and business.accepts_rewards


def test_moderators_read_their_towns_purchases_and_open_the_receipts(
    town, shops, resident
):
    from localshops import actions
    from tests.factories import NeighbourhoodFactory, make_household, make_member
    from tests.localshops.conftest import jpeg

    ours = actions.check_log_local_purchase(
        resident,
        business_id=shops["garden"].pk,
        receipt=jpeg(),
        client_key="cle-achat-a-1",
    ).purchase
    other = make_town("Rivemont", hostname="rivemont.test")
    theirs_shop = LocalBusiness.objects.create(town=other, name="Zorglub Primeurs")
    neighbourhood = NeighbourhoodFactory(town=other)
    stranger = make_member(
        other, household=make_household(neighbourhood, status="active")
    )
    theirs = actions.check_log_local_purchase(
        stranger, business_id=theirs_shop.pk, receipt=jpeg(), client_key="cle-achat-b-1"
    ).purchase

    moderator = signed_in(make_staff(town, Role.MODERATOR))
    listing = moderator.get(reverse("wagtailsnippets_localshops_localpurchase:list"))
    content = listing.content.decode()
    assert listing.status_code == 200
    assert "Les Jardins de la Lys" in content and "Zorglub" not in content
    receipt = reverse("localshops:receipt", args=[ours.pk])
    assert receipt in content
    assert moderator.get(receipt).status_code == 200
    inspect = "wagtailsnippets_localshops_localpurchase:inspect"
    assert moderator.get(reverse(inspect, args=[ours.pk])).status_code == 200
    assert moderator.get(reverse(inspect, args=[theirs.pk])).status_code == 404
    # Written by « J'ai acheté local » only: no form in the admin.
    add = moderator.get(reverse("wagtailsnippets_localshops_localpurchase:add"))
    assert add.status_code in (302, 403)
    assert LocalPurchase.objects.count() == 2
