"""Delete my account: content removed, or kept under « ancien membre ».

Invariants:
- Everything runs in one transaction that locks the member and their household:
  a half-deleted account never commits. Files (avatar, pictures) are deleted from
  storage only after commit, so a rollback loses no picture.
- Anonymised content moves to the town's one « ancien membre » (a member with
  no usable account), never to a per-person pseudonym: two deleted members'
  posts cannot be told apart, and nothing links them back to a name.
- Removed content keeps its row (other members' comments and replies hang on
  it) but loses its text, pictures and author, exactly as a deletion by the
  author does; live streams receive the same removal events, and the search
  index is resynced after commit.
- Real-time events already logged with the member's name (rendered HTML) are
  redacted, so a client resuming from the log never sees the name again.
- The household stays for its other members. When none is left it leaves the
  programme: consents withdrawn, proof photos, meter files and indexes deleted,
  and the scoring core is told to forget it and its readings
  (`scoring.client.erase_household`).
"""

import logging
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage, default_storage, storages
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Q, TextChoices, Value
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from notifications.models import Notification

from challenges.models import LoggedAction
from community import privacy
from community.models import Household, HouseholdStatus, Member, TownPage
from feeds import rendering
from feeds.actions.chat import room_stream_name
from feeds.actions.posts import post_streams
from feeds.models import (
    ChatMessage,
    ChatRoom,
    Comment,
    ContentState,
    Post,
    PostTarget,
    Reaction,
    ReadMarker,
    RoomKind,
)
from feeds.queries import decorate_posts
from meters.models import MeterIndex, MeterUpload
from mydata.actions.exports import do_delete_exports
from realtime.groups import user_stream
from realtime.models import Event, Stream
from realtime.publish import publish
from scoring import client as scoring
from scoring.errors import NotFound
from search.indexing import schedule_sync_object

logger = logging.getLogger(__name__)

# Stored as the display name of every town's former-member profile.
FORMER_MEMBER_NAME = "ancien membre"


class DeletionMode(TextChoices):
    REMOVE = "remove", gettext_lazy("Supprimer mes contenus")
    ANONYMISE = (
        "anonymise",
        gettext_lazy("Garder mes contenus, signés « ancien membre »"),
    )


@dataclass
class DeletionResult:
    household_left: bool = False
    scoring_erased: bool = False
    files_deleted: int = 0


def former_member_for(town: TownPage) -> Member:
    """The town's « ancien membre », created on first use (no usable login)."""
    existing = Member.objects.filter(town=town, is_former_member=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            user = User(
                username=f"ancien-membre-{town.pk}-{secrets.token_hex(6)}",
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            return Member.objects.create(
                user=user,
                town=town,
                display_name=FORMER_MEMBER_NAME,
                is_former_member=True,
            )
    except IntegrityError:
        # Another deletion created it at the same moment (unique per town).
        return Member.objects.get(town=town, is_former_member=True)


def check_delete_account(member: Member, *, password: str, mode: str) -> DeletionResult:
    """Check the password and the choice, then delete the account."""
    if member.is_former_member:
        raise PermissionDenied
    if mode not in DeletionMode.values:
        raise ValidationError(
            {"mode": _("Choisissez ce que deviennent vos contenus.")}, code="mode"
        )
    if not password or not member.user.check_password(password):
        raise ValidationError(
            {"password": _("Mot de passe incorrect.")}, code="bad_password"
        )
    try:
        return do_delete_account(member, mode)
    except ProtectedError as error:
        raise ValidationError(
            _(
                "Votre compte est lié à des visites d'ambassadeur que le programme "
                "doit garder : demandez sa suppression à un modérateur."
            ),
            code="protected",
        ) from error


def _mentions_of(member_id: int) -> Q:
    if connection.features.supports_json_field_contains:
        return Q(mentions__contains=[{"id": member_id}])
    return Q(mentions__icontains=f'"id": {member_id}')


def _forget_mentions(member: Member) -> None:
    """Other members' posts and comments stop linking to the deleted member."""
    for model in (Post, Comment):
        for item in model.objects.filter(_mentions_of(member.pk)).exclude(
            author=member
        ):
            item.mentions = [m for m in item.mentions if m.get("id") != member.pk]
            item.save(update_fields=["mentions"])


def _remove_posts(member: Member, former: Member, files: list[str]) -> None:
    now = timezone.now()
    # A tip's discussion post holds everyone's comments on the tip and no text
    # of the member's own: it goes to « ancien membre » (`_anonymise_posts`).
    own = Post.objects.filter(author=member).exclude(target=PostTarget.TIP)
    for post in own.prefetch_related("images"):
        for image in post.images.all():
            files.extend(name for name in (image.image.name, image.thumbnail.name))
        post.images.all().delete()
        was_published = post.state == ContentState.PUBLISHED
        post.author = former
        post.body = ""
        post.content_warning = ""
        post.mentions = []
        post.client_key = f"supprime-{post.pk}"
        if was_published:
            post.state = ContentState.DELETED
            post.state_changed_at = now
        post.save(
            update_fields=[
                "author",
                "body",
                "content_warning",
                "mentions",
                "client_key",
                "state",
                "state_changed_at",
            ]
        )
        if was_published:
            for stream in post_streams(post):
                publish(
                    stream, "post.removed", {"remove": True, "item": f"post-{post.pk}"}
                )


def _anonymise_posts(
    member: Member, former: Member, *, tip_discussions_only: bool = False
) -> None:
    posts = Post.objects.filter(author=member)
    if tip_discussions_only:
        posts = posts.filter(target=PostTarget.TIP)
    posts = list(posts)
    for post in posts:
        post.author = former
        post.client_key = f"anonyme-{post.pk}"
        post.save(update_fields=["author", "client_key"])
        # Its comments carry the post's author too (search blocking rules).
        schedule_sync_object(post, dependents=True)
    # A tip's discussion post is never shown as a post (it lives on the tip
    # page): no live update for it.
    published = [
        post
        for post in posts
        if post.state == ContentState.PUBLISHED and post.target != PostTarget.TIP
    ]
    if published:
        decorate_posts(published, None)
    for post in published:
        data = {
            "html": rendering.render_post(post),
            "item": f"post-{post.pk}",
            "post_id": post.pk,
            "author_id": former.pk,
        }
        for stream in post_streams(post):
            publish(stream, "post.updated", data)


def _remove_comments(member: Member, former: Member) -> None:
    for comment in Comment.objects.filter(author=member).select_related("post"):
        was_published = comment.state == ContentState.PUBLISHED
        comment.author = former
        comment.body = ""
        comment.mentions = []
        comment.client_key = f"supprime-{comment.pk}"
        if was_published:
            comment.state = ContentState.DELETED
        comment.save(
            update_fields=["author", "body", "mentions", "client_key", "state"]
        )
        if was_published:
            Post.objects.filter(pk=comment.post_id).update(
                comment_count=F("comment_count") - 1
            )
            data = {"remove": True, "item": f"comment-{comment.pk}"}
            for stream in post_streams(comment.post):
                publish(stream, "comment.removed", data)


def _anonymise_comments(member: Member, former: Member) -> None:
    for comment in Comment.objects.filter(author=member):
        comment.author = former
        comment.client_key = f"anonyme-{comment.pk}"
        comment.save(update_fields=["author", "client_key"])


def _messages(member: Member, former: Member, mode: str) -> None:
    messages = ChatMessage.objects.filter(author=member)
    if mode == DeletionMode.REMOVE:
        for message in messages.select_related("room"):
            publish(
                room_stream_name(message.room),
                "message.removed",
                {"remove": True, "item": f"message-{message.pk}"},
            )
        messages.delete()
    else:
        messages.update(
            author=former,
            client_key=Concat(Value("anonyme-"), Cast("id", CharField())),
        )


def _direct_rooms(member: Member, former: Member) -> None:
    """The other person keeps the conversation, now with « ancien membre »."""
    rooms = ChatRoom.objects.filter(
        Q(member_low=member) | Q(member_high=member), kind=RoomKind.DIRECT
    )
    for room in rooms:
        other = room.other_member_id(member.pk)
        if other is None or other == former.pk:
            room.delete()
            continue
        low, high = sorted((former.pk, other))
        existing = ChatRoom.objects.filter(
            member_low_id=low, member_high_id=high
        ).first()
        if existing is None:
            room.member_low_id, room.member_high_id = low, high
            room.save(update_fields=["member_low", "member_high"])
            continue
        # The other person already talked with a former member: one conversation.
        ChatMessage.objects.filter(room=room).update(room=existing)
        ReadMarker.objects.filter(room=room).delete()
        room.delete()


def _redact_events(member: Member) -> int:
    """Logged events that carry the member's rendered name lose their content."""
    Event.objects.filter(stream=user_stream(member.user_id)).delete()
    Stream.objects.filter(name=user_stream(member.user_id)).delete()
    return Event.objects.filter(data__author_id=member.pk).update(
        event="redacted", data={"redacted": True}
    )


def _leave_household(member: Member, files: list[str]) -> tuple[bool, bool]:
    """Detach the member; the last one out takes the household out of scoring."""
    household = Household.objects.select_for_update().get(pk=member.household_id)
    member.household = None
    member.save(update_fields=["household"])
    if household.members.exists():
        return False, False
    privacy.do_withdraw_household_consent(household)
    if household.status != HouseholdStatus.LEFT:
        household.status = HouseholdStatus.LEFT
        household.left_at = timezone.now()
        household.save(update_fields=["status", "left_at"])
    for action in LoggedAction.objects.filter(household=household).exclude(photo=""):
        files.append(action.photo.name)
        action.photo = ""
        action.save(update_fields=["photo"])
    _erase_meters(household)
    try:
        scoring.erase_household(household)
    except NotFound:
        # The core never heard of it: nothing to forget there.
        return True, True
    except scoring.ScoringUnavailable:
        logger.warning("mydata: scoring core could not erase %s", household.public_id)
        return True, False
    return True, True


def _erase_meters(household: Household) -> None:
    """The household's meter files (kept copies too) and indexes go with it.

    The readings themselves are the scoring core's: `erase_household` forgets
    them. The copies live in the private storage, deleted after commit.
    """
    kept = [
        name
        for name in MeterUpload.objects.filter(household=household)
        .exclude(file="")
        .values_list("file", flat=True)
        if name
    ]
    MeterUpload.objects.filter(household=household).delete()
    MeterIndex.objects.filter(household=household).delete()
    if kept:
        transaction.on_commit(lambda: _delete_files(kept, storages["exports"]))


def _delete_files(names: list[str], storage: Storage = default_storage) -> None:
    for name in names:
        try:
            if name and storage.exists(name):
                storage.delete(name)
        except OSError:
            logger.exception("mydata: could not delete %s", name)


def do_delete_account(member: Member, mode: str) -> DeletionResult:
    """Delete a member's account, their content removed or anonymised."""
    result = DeletionResult()
    files: list[str] = []
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .select_related("user", "town")
            .get(pk=member.pk)
        )
        former = former_member_for(member.town)
        if member.avatar:
            files.append(member.avatar.name)
        if mode == DeletionMode.REMOVE:
            _remove_posts(member, former, files)
            _anonymise_posts(member, former, tip_discussions_only=True)
            _remove_comments(member, former)
        else:
            _anonymise_posts(member, former)
            _anonymise_comments(member, former)
        _messages(member, former, mode)
        _direct_rooms(member, former)
        Reaction.objects.filter(member=member).delete()
        _forget_mentions(member)
        Notification.objects.filter(
            actor_content_type=ContentType.objects.get_for_model(Member),
            actor_object_id=str(member.pk),
        ).delete()
        _redact_events(member)
        do_delete_exports(list(member.data_exports.all()))
        if member.household_id is not None:
            result.household_left, result.scoring_erased = _leave_household(
                member, files
            )
        user = member.user
        AccessAttempt.objects.filter(username=user.get_username()).delete()
        AccessLog.objects.filter(username=user.get_username()).delete()
        # The member row and everything that cascades from it (follows, mutes,
        # blocks, preferences, read markers, member consents, notifications).
        user.delete()
        transaction.on_commit(lambda: _delete_files(files))
    result.files_deleted = len(files)
    return result
