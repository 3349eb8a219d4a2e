"""Fixtures of the moderation tests: an author, reporters, a moderator, events."""

import itertools

import pytest
from django.contrib.auth.models import User

from community import roles
from community.models import Member
from feeds import actions
from feeds.models import Post
from realtime.models import Event
from tests.factories import make_member, make_staff

_keys = itertools.count(1)


def key() -> str:
    return f"mod-{next(_keys)}"


def post_as(member: Member, body: str = "Bonjour le quartier", **kwargs) -> Post:
    kwargs.setdefault("client_key", key())
    return actions.check_create_post(member, body=body, **kwargs)


def comment_as(member: Member, post: Post, body: str = "Bien vu", **kwargs):
    kwargs.setdefault("client_key", key())
    return actions.check_add_comment(member, post, body=body, **kwargs)


def events(stream: str | None = None, event: str | None = None) -> list[Event]:
    rows = Event.objects.order_by("id")
    if stream is not None:
        rows = rows.filter(stream=stream)
    if event is not None:
        rows = rows.filter(event=event)
    return list(rows)


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "POST_RATE": (10_000, 600),
        "COMMENT_RATE": (10_000, 600),
        "MESSAGE_RATE": (10_000, 60),
    }


@pytest.fixture
def limits_on(settings) -> dict:
    """The production defaults of the trust levels (the test settings lift them)."""
    moderation = {
        **settings.SMARTCITIZEN["MODERATION"],
        "NEW_MEMBER_DAYS": 3,
        "NEW_MEMBER_ACTIVITY": 3,
        "TRUSTED_DAYS": 30,
        "TRUSTED_ACTIVITY": 20,
    }
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "MODERATION": moderation}
    return moderation


@pytest.fixture
def everyone_trusted(settings) -> None:
    """Every member counts as trusted (level 2) at once."""
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "MODERATION": {
            **settings.SMARTCITIZEN["MODERATION"],
            "TRUSTED_DAYS": 0,
            "TRUSTED_ACTIVITY": 0,
        },
    }


@pytest.fixture
def author(town, neighbourhood) -> Member:
    return make_member(town, neighbourhood=neighbourhood, display_name="Gaston L.")


@pytest.fixture
def reporters(town, neighbourhood) -> list[Member]:
    return [
        make_member(town, neighbourhood=neighbourhood, display_name=f"Voisin {n}")
        for n in range(4)
    ]


@pytest.fixture
def moderator(town) -> User:
    return make_staff(town, roles.MODERATOR)
