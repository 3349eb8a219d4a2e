"""Residents follow an ambassador from the ambassador's page; the page lists the
ambassador's latest posts, and "Mon fil" shows them to followers."""

import itertools
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from notifications.models import Notification

from ambassadors.models import AmbassadorPage
from community.models import Member
from feeds import actions as feeds_actions
from feeds.models import Follow, FollowKind, Post
from tests.ambassadors.conftest import logged_in
from tests.factories import NeighbourhoodFactory, make_member, make_town

_keys = itertools.count(1)


def post_as(member: Member, body: str) -> Post:
    """A post written through the feeds' real action."""
    return feeds_actions.check_create_post(
        member, body=body, client_key=f"amb-{next(_keys)}"
    )


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the page renders no CSRF token"
    return found.group(1)


@pytest.fixture
def page(ambassador) -> AmbassadorPage:
    return AmbassadorPage.objects.get(user=ambassador)


@pytest.fixture
def amb_member(ambassador) -> Member:
    member = ambassador.member
    member.display_name = "Léa (ambassadrice)"
    member.save(update_fields=["display_name"])
    return member


@pytest.fixture
def follow_url(page) -> str:
    return reverse("ambassadors:follow", args=[page.slug])


@pytest.fixture
def stranger(db) -> Member:
    """A member of another town."""
    other = make_town("Autre-Ville", hostname="autre-ville.test")
    return make_member(other, neighbourhood=NeighbourhoodFactory(town=other))


def people_follows(follower: Member, target: Member) -> int:
    return Follow.objects.filter(
        follower=follower,
        kind__in=[FollowKind.MEMBER, FollowKind.AMBASSADOR],
        target_id=target.pk,
    ).count()


# The follow form.


def test_anonymous_visitors_get_a_login_link_and_no_posts(page, amb_member, client):
    post_as(amb_member, "Atelier compost samedi")
    html = client.get(page.url).content.decode()
    assert f'href="{reverse("login")}?next={page.url}"' in html
    assert "Connectez-vous pour suivre Lea" in html
    assert "Atelier compost" not in html
    assert reverse("ambassadors:follow", args=[page.slug]) not in html


def test_anonymous_follow_is_refused(page, amb_member, follow_url, client):
    response = client.post(follow_url, {"action": "follow"})
    # Back to the page after signing in, not to the POST-only address.
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={page.url}"
    assert Follow.objects.count() == 0
    assert client.get(follow_url).status_code == 405


def test_a_member_follows_and_unfollows_through_the_form(
    page, amb_member, resident, follow_url
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    html = client.get(page.url).content.decode()
    assert f'action="{follow_url}"' in html
    assert 'value="follow"' in html and ">Suivre</button>" in html
    assert client.post(follow_url, {"action": "follow"}).status_code == 403
    assert people_follows(resident.member, amb_member) == 0

    token = csrf_token(html)
    response = client.post(
        follow_url, {"action": "follow", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response.url == page.url
    # Following an ambassador is following their member profile.
    assert Follow.objects.filter(
        follower=resident.member, kind=FollowKind.MEMBER, target_id=amb_member.pk
    ).exists()
    html = client.get(page.url).content.decode()
    assert "Vous suivez Lea" in html  # the message and the status line
    assert 'value="unfollow"' in html and "Ne plus suivre" in html
    # The feeds' profile agrees: one follow, whichever page shows it.
    profile = client.get(reverse("feeds:member", args=[amb_member.pk]))
    assert 'value="unfollow"' in profile.content.decode()

    client.post(follow_url, {"action": "unfollow", "csrfmiddlewaretoken": token})
    assert people_follows(resident.member, amb_member) == 0
    html = client.get(page.url).content.decode()
    assert "Vous ne suivez plus Lea." in html
    assert 'value="follow"' in html


def test_following_twice_keeps_one_follow_and_one_notification(
    page, amb_member, resident, follow_url
):
    client = logged_in(resident)
    client.post(follow_url, {"action": "follow"})
    client.post(follow_url, {"action": "follow"})
    assert people_follows(resident.member, amb_member) == 1
    assert Notification.objects.filter(recipient=page.user, verb="follow").count() == 1


def test_unfollow_also_ends_an_ambassador_kind_follow(
    page, amb_member, resident, follow_url
):
    """Both kinds put the posts in "Mon fil": "Ne plus suivre" ends both."""
    feeds_actions.do_follow(resident.member, FollowKind.AMBASSADOR, amb_member.pk)
    client = logged_in(resident)
    assert 'value="unfollow"' in client.get(page.url).content.decode()
    client.post(follow_url, {"action": "unfollow"})
    assert people_follows(resident.member, amb_member) == 0


def test_a_member_of_another_town_is_refused(page, amb_member, stranger, follow_url):
    post_as(amb_member, "Atelier compost samedi")
    client = logged_in(stranger.user)
    assert client.post(follow_url, {"action": "follow"}).status_code == 404
    assert Follow.objects.filter(follower=stranger).count() == 0
    html = client.get(page.url).content.decode()
    assert follow_url not in html
    assert "Atelier compost" not in html


def test_unknown_or_unpublished_pages_cannot_be_followed(
    page, amb_member, resident, follow_url
):
    client = logged_in(resident)
    missing = reverse("ambassadors:follow", args=["personne"])
    assert client.post(missing, {"action": "follow"}).status_code == 404
    page.unpublish()
    assert client.post(follow_url, {"action": "follow"}).status_code == 404
    assert people_follows(resident.member, amb_member) == 0


def test_the_ambassador_cannot_follow_themselves(
    page, amb_member, ambassador, follow_url
):
    post_as(amb_member, "Mon premier message")
    client = logged_in(ambassador)
    html = client.get(page.url).content.decode()
    assert follow_url not in html
    assert "Mon premier message" in html
    response = client.post(follow_url, {"action": "follow"}, follow=True)
    assert "Vous ne pouvez pas vous suivre vous-même." in response.content.decode()
    assert Follow.objects.filter(follower=amb_member).count() == 0


def test_a_block_hides_the_follow_form_and_the_posts(
    page, amb_member, resident, follow_url
):
    post_as(amb_member, "Atelier compost samedi")
    feeds_actions.do_block(amb_member, resident.member)
    client = logged_in(resident)
    html = client.get(page.url).content.decode()
    assert follow_url not in html
    assert "Atelier compost" not in html
    response = client.post(follow_url, {"action": "follow"}, follow=True)
    assert "Vous ne pouvez pas suivre ce membre." in response.content.decode()
    assert people_follows(resident.member, amb_member) == 0


# The posts on the page and in "Mon fil".


def test_followers_get_the_ambassadors_posts_in_mon_fil(
    page, amb_member, resident, follow_url
):
    post_as(amb_member, "Atelier compost samedi")
    client = logged_in(resident)
    mine = reverse("feeds:mine")
    assert "Atelier compost" not in client.get(mine).content.decode()

    client.post(follow_url, {"action": "follow"})
    assert "Atelier compost" in client.get(mine).content.decode()
    post_as(amb_member, "Réunion au centre social")
    assert "Réunion au centre social" in client.get(mine).content.decode()

    client.post(follow_url, {"action": "unfollow"})
    assert "Atelier compost" not in client.get(mine).content.decode()


def test_the_page_lists_the_five_latest_posts_and_links_to_the_profile(
    page, amb_member, resident, town, neighbourhood
):
    for n in range(7):
        post_as(amb_member, f"Message numéro {n}.")
    someone = make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")
    post_as(someone, "Pas de l'ambassadrice")
    html = logged_in(resident).get(page.url).content.decode()
    shown = re.findall(r"Message numéro (\d)\.", html)
    assert shown == ["6", "5", "4", "3", "2"]
    assert "Pas de l'ambassadrice" not in html
    assert "Léa (ambassadrice)" in html  # the feeds' own post fragment
    assert f'href="{reverse("feeds:member", args=[amb_member.pk])}"' in html
    assert "Toutes les publications de Lea" in html


def test_hidden_and_deleted_posts_do_not_appear(
    page, amb_member, resident, moderator, follow_url
):
    kept = post_as(amb_member, "Toujours là")
    hidden = post_as(amb_member, "Masqué par la modération")
    deleted = post_as(amb_member, "Supprimé par son autrice")
    feeds_actions.do_hide_post(moderator, hidden)
    feeds_actions.do_delete_post(amb_member, deleted)
    client = logged_in(resident)
    client.post(follow_url, {"action": "follow"})
    for url in (page.url, reverse("feeds:mine")):
        html = client.get(url).content.decode()
        assert f'id="post-{kept.pk}"' in html
        assert "Masqué par la modération" not in html
        assert "Supprimé par son autrice" not in html


def test_a_page_without_posts_says_so(page, amb_member, resident):
    html = logged_in(resident).get(page.url).content.decode()
    assert "Pas encore de publication." in html


# The Wagtail page (site, route, parent, neighbourhoods), the session and user,
# the nav, then the feeds part: member, ambassador, block, follow, four for posts.
PAGE_QUERIES = 26


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_1_or_10_posts(
    page, amb_member, resident, follow_url, django_assert_max_num_queries
):
    client = logged_in(resident)
    client.post(follow_url, {"action": "follow"})
    post = post_as(amb_member, "Le premier")
    feeds_actions.do_react(resident.member, post, "merci")
    one = _queries_for(client, page.url)
    for n in range(9):
        other = post_as(amb_member, f"Encore un, le {n}")
        feeds_actions.do_react(resident.member, other, "bravo")
    ten = _queries_for(client, page.url)
    assert ten == one
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = client.get(page.url).content.decode()
    assert html.count('class="post"') == 5


def test_the_follow_form_runs_a_bounded_number_of_queries(
    page, amb_member, resident, follow_url, django_assert_max_num_queries
):
    """The page, the visitor, the follow, and the feeds' notification of it."""
    client = logged_in(resident)
    with django_assert_max_num_queries(25):
        client.post(follow_url, {"action": "follow"})
    with django_assert_max_num_queries(15):
        client.post(follow_url, {"action": "unfollow"})


def test_a_user_without_member_profile_sees_the_page_without_the_feeds(
    page, amb_member, db
):
    user = User.objects.create_user(username="sans-profil", password="x" * 20)
    html = logged_in(user).get(page.url).content.decode()
    assert reverse("ambassadors:follow", args=[page.slug]) not in html
    assert "Connectez-vous" not in html
