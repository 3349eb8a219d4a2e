"""`trust.capabilities` reads in one query what `standing` and `active_sanction`
read in several, with the same answers; nothing is kept between requests, so a
sanction or a new level shows on the next page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Onboarding
from community import roles
from community.models import Member
from feeds.models import Post
from feeds.queries import read_page_state
from moderation import actions, items, trust
from moderation.models import Sanction, SanctionKind
from tests.factories import make_member, make_staff
from tests.moderation.conftest import post_as

pytestmark = pytest.mark.django_db


def age(member: Member, days: int) -> Member:
    Member.objects.filter(pk=member.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return Member.objects.get(pk=member.pk)


def expected(member: Member) -> trust.Capabilities:
    """The capabilities from the separate reads (the rules' reference)."""
    sanction = trust.active_sanction(member)
    now = trust.standing(member)
    return trust.Capabilities(
        level=now.level,
        sanction=trust.sanction_message(sanction) if sanction is not None else "",
        sanction_code=(
            ("banned" if sanction.kind == SanctionKind.BAN else "suspended")
            if sanction is not None
            else ""
        ),
        days_left=max(0, trust.conf("NEW_MEMBER_DAYS", member.town) - now.days),
        activity_left=max(
            0, trust.conf("NEW_MEMBER_ACTIVITY", member.town) - now.activity
        ),
        confirmable=member.household_id is not None,
    )


def fresh(member: Member) -> Member:
    return Member.objects.get(pk=member.pk)


def read(member: Member) -> trust.Capabilities:
    member = fresh(member)
    with CaptureQueriesContext(connection) as queries:
        can = trust.capabilities(member)
        assert trust.capabilities(member) is can  # once per member object
    assert len(queries.captured_queries) == 1
    return can


def test_capabilities_match_the_rules_through_every_state(
    limits_on, author, town, moderator
):
    town.new_post_rate = 1_000  # the town's « Réglages »
    town.save(update_fields=["new_post_rate"])
    states = []

    def check(label: str) -> None:
        can = read(author)
        assert can == expected(fresh(author)), label
        # A feed or post page reads them with the rest of its viewer's state,
        # as JSON (feeds/queries/page_state.py): the same answers, no query more.
        member = fresh(author)
        read_page_state(member)
        with CaptureQueriesContext(connection) as queries:
            assert trust.capabilities(member) == can, label
        assert queries.captured_queries == []
        states.append((label, can.level, bool(can.sanction)))

    check("new")
    Onboarding.objects.create(
        household=author.household, ambassador=make_staff(town, roles.AMBASSADOR)
    )
    check("confirmed household")
    Onboarding.objects.all().delete()
    for n in range(3):
        post_as(author, f"Publication {n}")
    check("active but recent")
    age(author, 4)
    check("member")
    for n in range(17):
        post_as(author, f"Encore {n}")
    age(author, 40)
    check("trusted")
    actions.do_warn(moderator, items.load("member", author.pk), "Attention")
    check("warned")
    actions.do_suspend(moderator, items.load("member", author.pk), 3, "Pause")
    check("suspended")
    Sanction.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    check("suspension over")
    actions.do_ban(moderator, items.load("member", author.pk), "Dehors")
    check("banned")

    assert states == [
        ("new", trust.TrustLevel.NEW, False),
        ("confirmed household", trust.TrustLevel.MEMBER, False),
        ("active but recent", trust.TrustLevel.NEW, False),
        ("member", trust.TrustLevel.MEMBER, False),
        ("trusted", trust.TrustLevel.TRUSTED, False),
        ("warned", trust.TrustLevel.MEMBER, False),
        ("suspended", trust.TrustLevel.MEMBER, True),
        ("suspension over", trust.TrustLevel.MEMBER, False),
        ("banned", trust.TrustLevel.MEMBER, True),
    ]


def test_staff_and_a_member_without_household(limits_on, town, neighbourhood):
    moderator = make_staff(town, roles.MODERATOR).member
    assert read(moderator) == expected(moderator)
    assert read(moderator).level == trust.TrustLevel.TRUSTED
    lone = make_member(town, neighbourhood=neighbourhood, display_name="Sans foyer")
    Member.objects.filter(pk=lone.pk).update(household=None)
    lone = fresh(lone)
    assert read(lone) == expected(lone)
    assert not read(lone).confirmable


def test_a_suspension_and_its_lifting_show_on_the_next_page(
    town, neighbourhood, author, moderator
):
    neighbour = make_member(town, neighbourhood=neighbourhood, display_name="Voisine")
    post = post_as(neighbour, "Bonjour")
    client = Client()
    client.force_login(author.user)
    page = reverse("feeds:post", args=[post.pk])

    assert "comment-refused" not in client.get(page).content.decode()
    actions.do_suspend(moderator, items.load("member", author.pk), 3, "Pause")
    body = client.get(page).content.decode()
    assert 'id="comment-refused"' in body
    assert "suspendu jusqu" in body
    Sanction.objects.update(lifted_at=timezone.now())
    assert "comment-refused" not in client.get(page).content.decode()
    assert Post.objects.filter(pk=post.pk).exists()


def test_the_write_checks_read_now_whatever_the_member_object_kept(
    limits_on, town, neighbourhood, author, moderator
):
    # The checks of a post or comment use the capabilities' one query, read
    # anew: a member object that kept its capabilities (a websocket's, held
    # for the connection) must not let a suspended or banned member write.
    from feeds.actions import check_create_post

    kept = fresh(author)
    assert trust.capabilities(kept).participate
    actions.do_suspend(moderator, items.load("member", author.pk), 3, "Pause")

    with pytest.raises(ValidationError) as refused:
        check_create_post(kept, body="Malgré la pause", client_key="cle-pause")
    assert refused.value.code == "suspended"
    assert "suspendu jusqu" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        trust.check_can_comment(kept, body="Un commentaire")
    assert refused.value.code == "suspended"

    actions.do_ban(moderator, items.load("member", author.pk), "Dehors")
    with pytest.raises(ValidationError) as refused:
        check_create_post(kept, body="Après l'exclusion", client_key="cle-exclu")
    assert refused.value.code == "banned"
    assert not Post.objects.filter(author=author, body__startswith="Ma").exists()
    assert not Post.objects.filter(author=author, body__startswith="Ap").exists()
