"""The demo town looks lived in: trusted members, faces, pictures, shops, challenges.

One seed for the whole walk through it (seeding takes seconds), with the
production trust thresholds: the test settings lift the newcomer rules.
"""

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community.models import Member, Neighbourhood, TownPage
from moderation.trust import TrustLevel, trust_level

EMAIL = "{}@demo.smartcitizen.fr"
PASSWORD = "demo-habitant-2026"


@pytest.fixture
def production_trust(settings):
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "MODERATION": {
            **settings.SMARTCITIZEN["MODERATION"],
            "NEW_MEMBER_DAYS": 3,
            "NEW_MEMBER_ACTIVITY": 3,
            "TRUSTED_DAYS": 30,
            "TRUSTED_ACTIVITY": 20,
        },
    }


def demo_member(local: str) -> Member:
    return Member.objects.select_related("household").get(
        user__username=EMAIL.format(local)
    )


def sign_in(client, local: str) -> None:
    response = client.post(
        reverse("login"), {"username": EMAIL.format(local), "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_demo_town_is_lived_in(client, production_trust):
    from ambassadors.models import AmbassadorPage, Onboarding
    from challenges.models import ChallengePage, LoggedAction, Redemption, Shop
    from feeds.models import ChatMessage, PostImage
    from scoring import client as scoring
    from tips.models import TipPage

    call_command("seed_demo", verbosity=0)
    town = TownPage.objects.get(slug="val-de-lys")

    # Trust: the demo residents may post pictures and write privately; the
    # regulars are trusted; Zoé is the newcomer of the README.
    anne, samir = demo_member("anne.martin"), demo_member("samir.benali")
    zoe = demo_member("zoe.lefebvre")
    assert trust_level(anne) >= TrustLevel.MEMBER
    assert trust_level(samir) >= TrustLevel.MEMBER
    assert trust_level(demo_member("paul.martin")) >= TrustLevel.MEMBER
    assert trust_level(zoe) == TrustLevel.NEW
    residents = Member.objects.filter(town=town, posts__isnull=False).distinct()
    trusted = [m for m in residents if trust_level(m) == TrustLevel.TRUSTED]
    assert len([m for m in trusted if m.user.username.startswith("foyer")]) >= 4
    assert anne.created_at < timezone.now() - timezone.timedelta(days=90)

    # Faces: most of the cast has a drawn portrait, stored; some have none.
    with_photo = Member.objects.filter(town=town).exclude(avatar="")
    assert with_photo.count() >= 8
    assert all(default_storage.exists(m.avatar.name) for m in with_photo)
    assert anne.avatar and not demo_member("paul.martin").avatar

    # Pictures: posts carry re-encoded pictures with thumbnails and captions.
    images = PostImage.objects.filter(post__town=town)
    assert images.count() >= 3
    assert all(i.thumbnail.name and i.alt_text for i in images)
    assert all(default_storage.exists(i.thumbnail.name) for i in images)
    assert {i.post.author_id for i in images} >= {anne.pk, samir.pk}
    tips = TipPage.objects.live().descendant_of(town)
    assert all(any(b.block_type == "image" for b in t.body) for t in tips)

    # Ambassadors brought households in the neighbourhoods they cover.
    for page in AmbassadorPage.objects.live().descendant_of(town):
        covered = set(page.neighbourhoods.values_list("pk", flat=True))
        brought = set(
            Onboarding.objects.filter(ambassador=page.user).values_list(
                "household__neighbourhood_id", flat=True
            )
        )
        assert brought and brought <= covered

    sign_in(client, "anne.martin")
    # A challenge under way in each neighbourhood, with households and actions.
    for neighbourhood in Neighbourhood.objects.filter(town=town):
        running = [
            c
            for c in ChallengePage.objects.live().filter(neighbourhood=neighbourhood)
            if c.is_running()
        ]
        assert running, neighbourhood.name
        challenge = running[0]
        assert challenge.participations.filter(left_at__isnull=True).count() >= 3
        assert LoggedAction.objects.filter(challenge=challenge).exists()
        board = client.get(challenge.url + "classement/")
        assert board.status_code == 200
        assert board.content.decode().count('<th scope="row">') >= 3

    # Chat: the neighbourhood room and a conversation have messages.
    assert ChatMessage.objects.filter(room__neighbourhood__isnull=False).count() >= 3
    assert ChatMessage.objects.filter(room__neighbourhood__isnull=True).count() >= 2

    # Shops: Anne's household holds enough points for two offers of one shop,
    # and redeems one through the rewards page.
    balance = scoring.get_points(anne.household)["total"]
    shops = Shop.objects.filter(town=town)
    assert shops.count() >= 2
    affordable = {
        shop: [r for r in shop.rewards.filter(active=True) if r.points <= balance]
        for shop in shops
    }
    assert any(len(offers) >= 2 for offers in affordable.values())
    reward = min(
        (r for offers in affordable.values() for r in offers), key=lambda r: r.points
    )
    page = client.get(reverse("challenges:rewards")).content.decode()
    assert reward.title in page and "Aucune offre" not in page
    response = client.post(
        reverse("challenges:redeem", args=[reward.pk]),
        {"idempotency_key": "demo-test-redeem"},
    )
    assert response.status_code == 302
    assert response.url == reverse("challenges:codes")
    assert Redemption.objects.filter(household=anne.household, reward=reward).exists()
    assert scoring.get_points(anne.household)["total"] == balance - reward.points

    # The town's feed shows faces: photos and initials.
    body = client.get(reverse("feeds:town")).content.decode()
    assert '<img class="avatar avatar-s40" src="' in body
    assert "avatar-initials" in body
    post_page = client.get(reverse("feeds:post", args=[images[0].post_id]))
    assert 'class="avatar avatar-s32' in post_page.content.decode()

    # A visitor reading in English gets the English titles of tips and challenges.
    client.logout()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "An aerator on every tap" in client.get("/astuces/").content.decode()
    assert "Bike month in Les Tilleuls" in client.get("/defis/").content.decode()
