"""Pages offer only what the member may do (moderation.trust), and say why not;
a forged request is still refused by the action with its message."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import roles
from community.models import Member
from feeds import actions
from feeds.models import ChatMessage, ChatRoom, Comment, Post, PostImage, Reaction
from moderation.models import Sanction, SanctionKind
from tests.factories import make_staff
from tests.feeds.conftest import jpeg_with_gps, key, post_as
from tests.moderation.conftest import limits_on  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FILE_INPUT = 'type="file"'
DM_BUTTON = "Envoyer un message"


def age(member: Member, days: int) -> None:
    Member.objects.filter(pk=member.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    member.refresh_from_db()


def settle(member: Member) -> None:
    """Past level 0: old enough, and three posts."""
    for number in range(3):
        post_as(member, f"Publication {number}")
    age(member, 4)


def suspend(member: Member) -> None:
    Sanction.objects.create(
        member=member,
        kind=SanctionKind.SUSPENSION,
        ends_at=timezone.now() + timedelta(days=7),
    )


@pytest.mark.usefixtures("limits_on")
def test_a_new_members_post_form_has_no_picture_field_and_says_when(client, member):
    post_as(member, "Ma première publication")
    client.force_login(member.user)
    html = client.get(reverse("feeds:town")).content.decode()
    assert FILE_INPUT not in html
    # 3 days to wait, 2 posts or comments to go, or an ambassador's visit.
    assert (
        "Les photos seront possibles après 3 jours et 2 publications ou "
        "commentaires de plus, ou dès qu&#x27;un ambassadeur aura confirmé "
        "votre foyer." in html
    )
    assert "Les liens seront possibles après 3 jours" in html


@pytest.mark.usefixtures("limits_on")
def test_the_sentence_counts_only_what_is_left(client, member):
    for number in range(3):
        post_as(member, f"Publication {number}")
    age(member, 1)
    client.force_login(member.user)
    html = client.get(reverse("feeds:town")).content.decode()
    assert "Les photos seront possibles après 2 jours, ou dès" in html


@pytest.mark.usefixtures("limits_on")
def test_a_members_post_form_offers_pictures(client, member):
    settle(member)
    client.force_login(member.user)
    html = client.get(reverse("feeds:town")).content.decode()
    assert FILE_INPUT in html
    assert "Les photos seront possibles" not in html
    assert "Les liens seront possibles" not in html


@pytest.mark.usefixtures("limits_on")
def test_a_forged_picture_from_a_new_member_is_refused_and_nothing_stored(
    client, member
):
    client.force_login(member.user)
    response = client.post(
        reverse("feeds:create"),
        {
            "body": "Regardez ma photo",
            "where": "town",
            "client_key": key(),
            "images": jpeg_with_gps(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Les images sont réservées aux membres installés" in html
    assert 'role="alert"' in html
    # The text is kept; still no picture field offered.
    assert "Regardez ma photo" in html
    assert FILE_INPUT not in html
    assert Post.objects.count() == 0
    assert PostImage.objects.count() == 0


@pytest.mark.usefixtures("limits_on")
def test_a_new_member_sees_no_dm_button_on_a_non_followers_page(
    client, member, neighbour
):
    client.force_login(member.user)
    html = client.get(reverse("feeds:member", args=[neighbour.pk])).content.decode()
    assert DM_BUTTON not in html
    assert reverse("feeds:start_direct", args=[neighbour.pk]) not in html
    assert "écrivent en privé seulement aux membres qui les suivent" in html
    assert "Vous pourrez écrire à tous après 3 jours" in html
    # A forged request is still refused, and no conversation is opened.
    response = client.post(
        reverse("feeds:start_direct", args=[neighbour.pk]), follow=True
    )
    assert "ne peuvent écrire en privé qu&#x27;aux membres qui" in (
        response.content.decode()
    )
    assert ChatRoom.objects.filter(kind="direct").count() == 0


@pytest.mark.usefixtures("limits_on")
def test_a_new_member_may_write_to_a_follower(client, member, neighbour):
    actions.do_follow(neighbour, "member", member.pk)
    client.force_login(member.user)
    html = client.get(reverse("feeds:member", args=[neighbour.pk])).content.decode()
    assert DM_BUTTON in html
    assert "écrivent en privé seulement" not in html


def test_a_member_sees_the_dm_button(client, member, neighbour):
    client.force_login(member.user)
    html = client.get(reverse("feeds:member", args=[neighbour.pk])).content.decode()
    assert DM_BUTTON in html


@pytest.mark.usefixtures("limits_on")
def test_a_new_member_in_a_conversation_they_may_not_start_gets_no_form(
    client, member, neighbour
):
    # The neighbour (a member) opened the room, then stopped following.
    settle(neighbour)
    actions.do_follow(neighbour, "member", member.pk)
    room = actions.get_or_create_direct_room(member, neighbour)
    actions.do_unfollow(neighbour, "member", member.pk)
    client.force_login(member.user)
    html = client.get(reverse("feeds:room", args=[room.pk])).content.decode()
    assert 'name="body"' not in html
    assert "Vous pourrez répondre dès que Paul M. vous aura écrit ou suivi." in html
    response = client.post(
        reverse("feeds:room", args=[room.pk]),
        {"body": "Bonjour", "client_key": key()},
    )
    assert response.status_code == 400
    # Refused with the action's message; the text stays in its form.
    assert "ne peuvent écrire en privé" in response.content.decode()
    assert "Bonjour</textarea>" in response.content.decode()
    assert ChatMessage.objects.count() == 0
    # Once the neighbour wrote, the new member may answer: the form is back.
    actions.check_send_message(neighbour, room, body="Bonjour !", client_key=key())
    html = client.get(reverse("feeds:room", args=[room.pk])).content.decode()
    assert 'name="body"' in html


def test_a_suspended_member_is_offered_no_post_comment_reaction_or_message(
    client, member, neighbour
):
    post = post_as(neighbour, "Un message du voisin")
    suspend(member)
    client.force_login(member.user)
    for url in (reverse("feeds:town"), reverse("feeds:post", args=[post.pk])):
        html = client.get(url).content.decode()
        assert "Votre compte est suspendu jusqu&#x27;au" in html
        assert 'name="body"' not in html
        assert reverse("feeds:react", args=[post.pk]) not in html
    html = client.get(reverse("feeds:member", args=[neighbour.pk])).content.decode()
    assert DM_BUTTON not in html
    assert "Votre compte est suspendu" in html
    # Forged requests are still refused and store nothing.
    response = client.post(
        reverse("feeds:comment", args=[post.pk]),
        {"body": "Quand même", "client_key": key()},
    )
    assert response.status_code == 400
    assert "Votre compte est suspendu" in response.content.decode()
    client.post(reverse("feeds:react", args=[post.pk]), {"kind": "merci"})
    assert Comment.objects.count() == 0
    assert Reaction.objects.count() == 0


@pytest.mark.usefixtures("limits_on")
@pytest.mark.parametrize("count", [3, 30])
def test_the_feed_asks_the_trust_level_once_whatever_its_length(
    client, member, town, count, django_assert_max_num_queries
):
    # An ambassador writes (trusted: no new member's rate), then a new member reads.
    author = Member.objects.get(user=make_staff(town, roles.AMBASSADOR))
    for number in range(count):
        post_as(author, f"Publication {number}")
    client.force_login(member.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("feeds:town"))
    assert response.status_code == 200
    assert "Les photos seront possibles" in response.content.decode()
