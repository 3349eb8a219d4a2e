"""Fixtures of the mydata tests: a member who created one of every kind of data.

Everything is built through the real actions of each app.
"""

import io
import itertools
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from challenges import actions as challenge_actions
from challenges.models import ChallengeIndexPage, ChallengePage
from community import privacy
from community.models import ConsentKind, Member
from feeds import actions as feeds_actions
from feeds.models import ChatMessage, Comment, FollowKind, Post
from scoring import client as scoring
from scoring.models import ActionType, Commitment
from tests.factories import make_member

_keys = itertools.count(1)
_numbers = itertools.count(1)


def key() -> str:
    return f"cle-mydata-{next(_keys)}"


def jpeg(name: str = "photo.jpg", colour: str = "#3a7") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def make_action_type(domain: str = "water") -> ActionType:
    return ActionType.objects.create(
        code=f"geste-{uuid.uuid4().hex[:10]}",
        label=f"Geste {next(_numbers)}",
        domain=domain,
        difficulty=1,
        commitment=Commitment.ONE_OFF,
    )


def make_challenge(town, action_type: ActionType) -> ChallengePage:
    index = ChallengeIndexPage.objects.child_of(town).first()
    if index is None:
        index = town.add_child(instance=ChallengeIndexPage(title="Défis", slug="defis"))
    number = next(_numbers)
    today = timezone.localdate()
    challenge = ChallengePage(
        title=f"Défi {number}",
        slug=f"defi-mydata-{number}",
        domain=action_type.domain,
        start_date=today - timezone.timedelta(days=10),
        end_date=today + timezone.timedelta(days=30),
    )
    index.add_child(instance=challenge)
    challenge.action_types.set([action_type])
    challenge.save_revision().publish()
    return ChallengePage.objects.get(pk=challenge.pk)


def give_research_consent(member: Member) -> None:
    text = privacy.current_consent_text(ConsentKind.RESEARCH)
    privacy.check_give_research_consent(member, text_id=text.pk)


@dataclass
class Footprint:
    """What the member created, to compare with the archive."""

    member: Member
    neighbour: Member
    post: Post
    comment: Comment
    room_message: ChatMessage
    direct_message: ChatMessage
    challenge: ChallengePage
    logged_points: int


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "POST_RATE": (10_000, 600),
        "COMMENT_RATE": (10_000, 600),
        "MESSAGE_RATE": (10_000, 60),
    }


@pytest.fixture
def anne(town, neighbourhood) -> Member:
    return make_member(
        town,
        neighbourhood=neighbourhood,
        display_name="Anne Zébulon",
        email="anne.zebulon@example.org",
    )


@pytest.fixture
def neighbour(town, neighbourhood) -> Member:
    return make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")


@pytest.fixture
def footprint(anne, neighbour, neighbourhood) -> Footprint:
    """Anne wrote, reacted, followed, chatted, acted, consented; Paul answered."""
    anne.avatar.save("visage.jpg", ContentFile(jpeg().read()), save=True)
    post = feeds_actions.check_create_post(
        anne,
        body="Mon compost marche enfin, merci @Paul M.",
        client_key=key(),
        images=[jpeg("IMG_chez_moi.jpg")],
        image_alts=["Le bac à compost"],
    )
    comment = feeds_actions.check_add_comment(
        anne, post, body="Et il ne sent rien !", client_key=key()
    )
    # Paul's comment notifies Anne (a notification she received).
    feeds_actions.check_add_comment(
        neighbour, post, body="Bravo, bien joué", client_key=key()
    )
    paul_post = feeds_actions.check_create_post(
        neighbour, body="Qui prête une grelinette ?", client_key=key()
    )
    feeds_actions.do_react(anne, paul_post, "merci")
    feeds_actions.do_follow(anne, FollowKind.MEMBER, neighbour.pk)
    room = feeds_actions.get_or_create_neighbourhood_room(neighbourhood)
    room_message = feeds_actions.check_send_message(
        anne, room, body="Bonsoir le quartier", client_key=key()
    )
    direct = feeds_actions.get_or_create_direct_room(anne, neighbour)
    direct_message = feeds_actions.check_send_message(
        anne, direct, body="Je te la rends demain", client_key=key()
    )
    feeds_actions.check_send_message(
        neighbour, direct, body="Pas de souci", client_key=key()
    )
    action_type = make_action_type()
    challenge = make_challenge(anne.town, action_type)
    challenge_actions.check_join(anne, challenge)
    result = challenge_actions.check_log_action(
        anne,
        challenge,
        action_type=action_type,
        occurred_at=timezone.now(),
        idempotency_key=scoring.new_idempotency_key(),
        photo=jpeg("preuve.jpg", "#a33"),
    )
    give_research_consent(anne)
    return Footprint(
        member=Member.objects.get(pk=anne.pk),
        neighbour=neighbour,
        post=post,
        comment=comment,
        room_message=room_message,
        direct_message=direct_message,
        challenge=challenge,
        logged_points=result.action.points_awarded,
    )
