"""Delete my account: content removed or anonymised, household kept, scoring erased."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse
from notifications.models import Notification

from challenges.models import LoggedAction
from community.models import Household, HouseholdStatus, Member
from feeds.models import (
    ChatMessage,
    ChatRoom,
    Comment,
    ContentState,
    Post,
    PostImage,
    Reaction,
)
from feeds.search_kinds import COMMENTS, POSTS
from mydata.actions.deletion import DeletionMode, check_delete_account
from realtime.models import Event
from scoring.models import HouseholdBalance, LedgerEntry
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db

NAME = "Anne Zébulon"


def stored_files(member: Member) -> list[str]:
    names = [member.avatar.name]
    for image in PostImage.objects.filter(post__author=member):
        names += [image.image.name, image.thumbnail.name]
    names += [
        action.photo.name
        for action in LoggedAction.objects.filter(household=member.household)
    ]
    return names


def test_remove_mode_deletes_content_files_and_the_last_households_scoring(
    footprint, django_capture_on_commit_callbacks
):
    anne = footprint.member
    household = anne.household
    files = stored_files(anne)
    assert all(default_storage.exists(name) for name in files) and len(files) == 4
    assert LedgerEntry.objects.filter(household=household).exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = check_delete_account(anne, password=PASSWORD, mode=DeletionMode.REMOVE)

    assert not User.objects.filter(pk=anne.user_id).exists()
    assert not Member.objects.filter(pk=anne.pk).exists()
    # Files gone from storage: avatar, picture and thumbnail, proof photo.
    assert not any(default_storage.exists(name) for name in files)
    post = Post.objects.get(pk=footprint.post.pk)
    assert post.state == ContentState.DELETED and post.body == ""
    assert post.author.is_former_member
    assert not post.images.exists()
    comment = Comment.objects.get(pk=footprint.comment.pk)
    assert comment.state == ContentState.DELETED and comment.body == ""
    # Paul's comment under the removed post is his and stays.
    assert Comment.objects.filter(author=footprint.neighbour).count() == 1
    assert not ChatMessage.objects.filter(body__in=["Bonsoir le quartier"]).exists()
    assert not ChatMessage.objects.filter(pk=footprint.direct_message.pk).exists()
    # Paul keeps his side of the conversation, now with « ancien membre ».
    paul_message = ChatMessage.objects.get(body="Pas de souci")
    room = ChatRoom.objects.get(pk=paul_message.room_id)
    assert {room.member_low.display_name, room.member_high.display_name} == {
        "ancien membre",
        "Paul M.",
    }
    assert not Reaction.objects.filter(post__author=footprint.neighbour).exists()
    # Removal reaches live streams and the search index.
    assert Event.objects.filter(
        event="post.removed", data__item=f"post-{post.pk}"
    ).exists()
    assert POSTS.entry(post) is None and COMMENTS.entry(comment) is None
    # The last member left: the household leaves and scoring forgets it.
    household.refresh_from_db()
    assert household.status == HouseholdStatus.LEFT
    assert not household.consents.filter(withdrawn_at__isnull=True).exists()
    assert result.household_left and result.scoring_erased
    assert not LedgerEntry.objects.filter(household=household).exists()
    assert not HouseholdBalance.objects.filter(household=household).exists()


def test_anonymise_mode_keeps_content_without_the_name_anywhere(
    client, footprint, django_capture_on_commit_callbacks
):
    anne = footprint.member
    with django_capture_on_commit_callbacks(execute=True):
        check_delete_account(anne, password=PASSWORD, mode=DeletionMode.ANONYMISE)

    post = Post.objects.get(pk=footprint.post.pk)
    assert post.state == ContentState.PUBLISHED
    assert post.body == footprint.post.body
    assert post.author.display_name == "ancien membre"
    assert Comment.objects.get(pk=footprint.comment.pk).author_id == post.author_id
    assert ChatMessage.objects.get(pk=footprint.room_message.pk).author_id == (
        post.author_id
    )
    # The search document follows the new author.
    assert POSTS.entry(post).author_ids == [post.author_id]

    client.force_login(footprint.neighbour.user)
    for url in (
        reverse("feeds:town"),
        reverse("feeds:post", args=[post.pk]),
        reverse("feeds:notifications"),
        reverse("feeds:room", args=[footprint.room_message.room_id]),
        reverse("feeds:rooms"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert NAME not in page.content.decode(), url
    assert "ancien membre" in client.get(reverse("feeds:town")).content.decode()
    # Nothing logged for live clients to replay carries the name either.
    logged = json.dumps(list(Event.objects.values_list("data", flat=True)))
    assert NAME not in logged
    assert Event.objects.filter(event="post.updated", data__item=f"post-{post.pk}")
    assert not Notification.objects.filter(data__actor_name=NAME).exists()


def test_household_stays_for_its_other_members(footprint, town):
    anne = footprint.member
    household = anne.household
    partner = make_member(town, household=household, display_name="Luc")
    balance = HouseholdBalance.objects.get(household=household).balance

    result = check_delete_account(anne, password=PASSWORD, mode=DeletionMode.REMOVE)

    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE
    assert list(household.members.all()) == [partner]
    assert HouseholdBalance.objects.get(household=household).balance == balance
    assert LoggedAction.objects.filter(household=household).count() == 1
    assert household.consents.filter(withdrawn_at__isnull=True).exists()
    assert not result.household_left and not result.scoring_erased


def test_view_needs_the_right_password_and_changes_nothing_otherwise(client, footprint):
    anne = footprint.member
    client.force_login(anne.user)
    url = reverse("mydata:delete_account")
    page = client.get(url)
    assert page.status_code == 200 and "ancien membre" in page.content.decode()

    wrong = client.post(
        url, {"mode": "remove", "password": "pas-le-bon", "confirm": "on"}
    )
    assert wrong.status_code == 200
    assert "Mot de passe incorrect" in wrong.content.decode()
    assert Member.objects.filter(pk=anne.pk).exists()
    assert Post.objects.get(pk=footprint.post.pk).state == ContentState.PUBLISHED

    unconfirmed = client.post(url, {"mode": "remove", "password": PASSWORD})
    assert unconfirmed.status_code == 200
    assert Member.objects.filter(pk=anne.pk).exists()

    done = client.post(
        url, {"mode": "anonymise", "password": PASSWORD, "confirm": "on"}
    )
    assert done.status_code == 302
    assert not Member.objects.filter(pk=anne.pk).exists()
    # Signed out: the member pages now ask to sign in.
    assert client.get(reverse("mydata:home")).status_code == 302
    assert Household.objects.filter(pk=anne.household_id).exists()


def test_two_deleted_members_share_one_former_member(town, neighbourhood):
    first = make_member(town, neighbourhood=neighbourhood, display_name="Un")
    second = make_member(town, neighbourhood=neighbourhood, display_name="Deux")
    check_delete_account(first, password=PASSWORD, mode=DeletionMode.ANONYMISE)
    check_delete_account(second, password=PASSWORD, mode=DeletionMode.ANONYMISE)
    assert Member.objects.filter(town=town, is_former_member=True).count() == 1
