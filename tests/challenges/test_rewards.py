"""Rewards: redeeming once, short balances, stock and caps, the shop's code page."""

import socket
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from challenges.models import Redemption, Reward, Shop
from scoring import client as scoring
from scoring.models import LedgerEntry
from tests.challenges.conftest import log
from tests.factories import make_town

pytestmark = pytest.mark.django_db


def make_reward(town, points: int = 10, **fields) -> Reward:
    shop = Shop.objects.create(town=town, name="Boulangerie Martin")
    return Reward.objects.create(
        shop=shop, title="Une baguette", points=points, **fields
    )


def earn(member, challenge, action_type, times: int = 1) -> None:
    for _ in range(times):
        log(member, challenge, action_type)


def redeem(client, reward, key: str):
    return client.post(
        f"/recompenses/{reward.pk}/echanger/", {"idempotency_key": key}, follow=True
    )


def test_a_member_redeems_points_for_a_code_once(
    client, town, participant, challenge, action_type
):
    earn(participant, challenge, action_type, 2)  # 20 points
    reward = make_reward(town, points=10, stock=3)
    client.force_login(participant.user)
    listing = client.get("/recompenses/").content.decode()
    assert "20 points à dépenser" in listing
    assert "Une baguette" in listing

    first = redeem(client, reward, "key-1")
    second = redeem(client, reward, "key-1")  # a double click
    redemption = Redemption.objects.get()
    assert redemption.code in first.content.decode()
    assert redemption.code in second.content.decode()
    assert scoring.get_points(participant.household)["total"] == 10
    assert LedgerEntry.objects.filter(kind="redemption").count() == 1
    reward.refresh_from_db()
    assert reward.stock == 2


def test_a_short_balance_gives_a_clear_message_and_changes_nothing(
    client, town, participant, challenge, action_type
):
    earn(participant, challenge, action_type, 1)  # 10 points
    reward = make_reward(town, points=50, stock=3)
    client.force_login(participant.user)
    answer = redeem(client, reward, "key-short")
    assert "Solde insuffisant : il vous faut 50 points." in answer.content.decode()
    assert not Redemption.objects.exists()
    assert scoring.get_points(participant.household)["total"] == 10
    reward.refresh_from_db()
    assert reward.stock == 3


def test_stock_expiry_and_monthly_cap_refuse_with_nothing_changed(
    client, town, participant, challenge, action_type
):
    earn(participant, challenge, action_type, 5)
    client.force_login(participant.user)
    sold_out = make_reward(town, stock=0)
    assert "épuisée" in redeem(client, sold_out, "k-stock").content.decode()
    capped = make_reward(town, monthly_cap=1)
    redeem(client, capped, "k-cap-1")
    assert "déjà pris cette offre" in redeem(client, capped, "k-cap-2").content.decode()
    assert Redemption.objects.count() == 1
    assert scoring.get_points(participant.household)["total"] == 40
    expired = make_reward(town, valid_until=timezone.localdate() - timedelta(days=1))
    # An expired offer is not listed, and its URL answers 404.
    assert (
        client.post(
            f"/recompenses/{expired.pk}/echanger/", {"idempotency_key": "k-exp"}
        ).status_code
        == 404
    )


def test_another_towns_offer_is_not_found(client, participant, challenge, action_type):
    earn(participant, challenge, action_type, 2)
    other_town = make_town("Ailleurs", hostname="ailleurs.test")
    reward = make_reward(other_town)
    client.force_login(participant.user)
    assert "Une baguette" not in client.get("/recompenses/").content.decode()
    answer = client.post(
        f"/recompenses/{reward.pk}/echanger/", {"idempotency_key": "k"}
    )
    assert answer.status_code == 404
    assert not Redemption.objects.exists()


def test_the_core_down_gives_donnees_indisponibles(
    client, town, participant, challenge, action_type
):
    earn(participant, challenge, action_type, 2)
    reward = make_reward(town)
    client.force_login(participant.user)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/scoring/v1/"
    with override_settings(SCORING_CORE_URL=url, SCORING_CORE_TOKEN="t" * 32):
        listing = client.get("/recompenses/")
        answer = redeem(client, reward, "k-down")
    assert "Données indisponibles" in listing.content.decode()
    assert "Données indisponibles" in answer.content.decode()
    assert "rien n&#x27;a été échangé ni dépensé" in answer.content.decode()
    assert not Redemption.objects.exists()


def test_the_shop_marks_a_code_used_once_without_an_account(
    client, town, participant, challenge, action_type
):
    earn(participant, challenge, action_type, 1)
    reward = make_reward(town)
    client.force_login(participant.user)
    redeem(client, reward, "k-shop")
    code = Redemption.objects.get().code
    client.logout()

    page = f"/commercant/{reward.shop.token}/"
    typed = code.lower().replace("-", " ")
    first = client.post(page, {"code": typed})
    assert f"Code {code} validé" in first.content.decode()
    assert first["Referrer-Policy"] == "no-referrer"
    second = client.post(page, {"code": code})
    assert "déjà été utilisé" in second.content.decode()

    other = Shop.objects.create(town=town, name="Épicerie")
    refused = client.post(f"/commercant/{other.token}/", {"code": code})
    assert "Code inconnu" in refused.content.decode()
    assert client.get("/commercant/pas-un-jeton/").status_code == 404


def test_reward_lists_run_a_bounded_number_of_queries(
    client, town, participant, challenge, action_type, django_assert_max_num_queries
):
    earn(participant, challenge, action_type, 10)
    client.force_login(participant.user)
    reward = make_reward(town, points=1)
    for number in range(2):
        redeem(client, reward, f"few-{number}")
    with django_assert_max_num_queries(30) as few_rewards:
        client.get("/recompenses/")
    with django_assert_max_num_queries(30) as few_codes:
        client.get("/recompenses/mes-bons/")
    for number in range(12):
        make_reward(town, points=1)
        redeem(client, reward, f"many-{number}")
    with django_assert_max_num_queries(30) as many_rewards:
        client.get("/recompenses/")
    with django_assert_max_num_queries(30) as many_codes:
        client.get("/recompenses/mes-bons/")
    assert len(many_rewards) <= len(few_rewards)
    assert len(many_codes) <= len(few_codes)


def test_a_member_without_household_gets_404(client, town):
    from community import roles
    from tests.factories import make_staff

    client.force_login(make_staff(town, roles.MODERATOR))
    assert client.get("/recompenses/").status_code == 404
    assert client.get("/recompenses/mes-bons/").status_code == 404
