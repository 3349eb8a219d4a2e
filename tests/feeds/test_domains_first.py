"""« Mon fil » puts the last days' posts of the household's domains first;
« Tout voir » gives the default order; a post's domain comes from its challenge
or from the optional select of the post form."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import actions as community_actions
from feeds import actions
from feeds.models import Post, PostTarget
from feeds.queries.posts import DOMAINS_FIRST_DAYS
from tests.challenges.conftest import (
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.feeds.conftest import key, post_as

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [
        int(i)
        for i in re.findall(r'<article class="post" id="post-(\d+)"', response.text)
    ]


def _bodies(response) -> list[str]:
    by_id = dict(Post.objects.values_list("pk", "body"))
    return [by_id[pk] for pk in _ids(response)]


@pytest.fixture
def followed(member, neighbour):
    """Posts of a neighbour the member follows, oldest first: water (three
    weeks old), transport, energy, water, plain."""
    actions.do_follow(member, "member", neighbour.pk)
    posts = [
        post_as(neighbour, "Vieille douche", domain="water"),
        post_as(neighbour, "Vélo", domain="transport"),
        post_as(neighbour, "Radiateur", domain="energy"),
        post_as(neighbour, "Douche", domain="water"),
        post_as(neighbour, "Bonjour"),
    ]
    old = timezone.now() - timedelta(days=DOMAINS_FIRST_DAYS + 7)
    Post.objects.filter(pk=posts[0].pk).update(created_at=old)
    return posts


def test_mon_fil_puts_the_households_recent_domains_first(client, member, followed):
    community_actions.do_set_household_domains(member.household, ["water", "energy"])
    client.force_login(member.user)
    page = client.get(reverse("feeds:mine"))
    # The recent posts of energy and water first, newest first; then the rest
    # by date, the three weeks old water post keeping its place.
    assert _bodies(page) == ["Douche", "Radiateur", "Bonjour", "Vélo", "Vieille douche"]
    assert "<strong>Énergie, Eau</strong>" in page.text
    assert 'href="/fil/?tout=1">Tout voir</a>' in page.text

    everything = client.get(reverse("feeds:mine"), {"tout": "1"})
    assert _bodies(everything) == [
        "Bonjour",
        "Douche",
        "Radiateur",
        "Vélo",
        "Vieille douche",
    ]


def test_a_transport_household_sees_transport_first(client, member, followed):
    community_actions.do_set_household_domains(member.household, ["transport"])
    client.force_login(member.user)
    assert _bodies(client.get(reverse("feeds:mine")))[:2] == ["Vélo", "Bonjour"]
    assert _bodies(client.get(reverse("feeds:mine"), {"tout": "1"}))[0] == "Bonjour"


@pytest.mark.parametrize("size", [2, 3])
def test_pages_follow_the_order_without_a_gap_or_a_repeat(
    client, member, neighbour, settings, size
):
    # 3: the first walk ends on a full page; 2: a page holds both walks.
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "FEED_PAGE_SIZE": size}
    actions.do_follow(member, "member", neighbour.pk)
    domains = ["water", "", "energy", "water", "", "transport", "water", ""]
    posts = [
        post_as(neighbour, f"N{n}", domain=domain) for n, domain in enumerate(domains)
    ]
    community_actions.do_set_household_domains(member.household, ["water"])
    client.force_login(member.user)
    seen: list[str] = []
    url = reverse("feeds:mine")
    while url:
        page = client.get(url)
        seen += _bodies(page)
        found = re.search(r'href="(\?avant=[^"]+)" rel="next"', page.text)
        url = (
            reverse("feeds:mine") + found.group(1).replace("&amp;", "&")
            if found
            else ""
        )
    assert seen == ["N6", "N3", "N0", "N7", "N5", "N4", "N2", "N1"]
    assert len(posts) == len(seen)
    # « Tout voir » pages keep it.
    page = client.get(reverse("feeds:mine"), {"tout": "1"})
    assert "&amp;tout=1" in re.search(r'href="(\?avant=[^"]+)"', page.text).group(1)
    # A garbled cursor starts over, never an error.
    assert client.get(reverse("feeds:mine"), {"avant": "0:zz"}).status_code == 200


@pytest.mark.parametrize("count", [5, 40])
def test_the_ordered_feed_runs_a_bounded_number_of_queries(
    client, member, neighbour, count, django_assert_max_num_queries
):
    actions.do_follow(member, "member", neighbour.pk)
    for number in range(count):
        post = post_as(
            neighbour, f"P{number}", domain=["water", "", "energy"][number % 3]
        )
        actions.do_react(member, post, "merci")
    community_actions.do_set_household_domains(member.household, ["water"])
    client.force_login(member.user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("feeds:mine")).status_code == 200


def test_the_post_form_offers_an_optional_domain(client, member):
    client.force_login(member.user)
    page = client.get(reverse("feeds:mine"))
    assert '<select name="domain"' in page.text
    response = client.post(
        reverse("feeds:create"),
        {
            "body": "Mon compost",
            "where": "town",
            "domain": "waste",
            "client_key": key(),
        },
    )
    assert response.status_code == 302
    assert Post.objects.get(body="Mon compost").domain == "waste"
    response = client.post(
        reverse("feeds:create"),
        {"body": "Autre", "where": "town", "domain": "nuclear", "client_key": key()},
    )
    assert response.status_code == 400
    # Re-shown with what was typed and the field's error; nothing stored.
    assert "Autre" in response.text and 'id="id_domain_errors"' in response.text
    assert not Post.objects.filter(body="Autre").exists()


def test_a_challenge_post_takes_the_challenges_domain(town, member):
    challenge = make_challenge(
        make_challenge_index(town), [make_action_type(domain="transport")]
    )
    post = actions.check_create_post(
        member,
        body="Jour 3 sans voiture",
        client_key=key(),
        target=PostTarget.CHALLENGE,
        challenge_id=challenge.pk,
        domain="water",
    )
    assert post.domain == "transport"


def test_the_demo_tags_its_posts_once(town, member):
    from demo.domains import seed_demo_domains
    from demo.life import POSTS

    samir = post_as(member, POSTS[-3][3])  # the bike to the market
    compost = post_as(member, "Le compost est ouvert", domain="energy")
    plain = post_as(member, "Bonjour à tous")
    seed_demo_domains(town)
    seed_demo_domains(town)
    assert Post.objects.get(pk=samir.pk).domain == "transport"
    # A post already tagged keeps its domain; a plain one stays plain.
    assert Post.objects.get(pk=compost.pk).domain == "energy"
    assert Post.objects.get(pk=plain.pk).domain == ""
