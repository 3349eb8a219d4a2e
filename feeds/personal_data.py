"""Feeds' part of « Mes données »: what the archive holds of a member's posts,
comments, messages, reactions, follows and notification preferences, and how an
account's erasure removes or anonymises them.

Registered with `common.kinds` from FeedsConfig.ready() (feeds.kinds); mydata
runs them (mydata.exporting, mydata.actions.deletion). The erasure runs inside
the deletion's transaction, the member row locked:
- removed content keeps its row (other members' comments and replies hang on
  it) but loses its text, pictures and author, exactly as a deletion by the
  author does; live streams receive the same removal events, and the search
  index is resynced after commit;
- anonymised content moves to the town's one « ancien membre ».
"""

from django.db import connection
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from common import kinds
from common.archive import Archive, Erasure, iso, rows
from community.models import Member
from feeds import rendering
from feeds.actions.chat import room_stream_name
from feeds.actions.posts import post_streams
from feeds.models import (
    Block,
    ChatMessage,
    ChatRoom,
    Comment,
    ContentState,
    Follow,
    Mute,
    NotificationPreference,
    Post,
    PostTarget,
    Reaction,
    ReadMarker,
    RoomKind,
)
from feeds.queries import decorate_posts
from realtime.publish import publish
from search.indexing import schedule_sync_object


def _posts(member: Member, files: list[tuple[str, str]]) -> list[dict]:
    posts = []
    for post in Post.objects.filter(author=member).prefetch_related("images"):
        images = []
        for image in post.images.all():
            name = f"images/publications/{image.image.name.rsplit('/', 1)[-1]}"
            files.append((name, image.image.name))
            images.append({"fichier": name, "description": image.alt_text})
        posts.append(
            {
                "id": post.pk,
                "publie_dans": post.target,
                "quartier": post.neighbourhood_id,
                "defi": post.challenge_id,
                "domaine": post.domain,
                "texte": post.body,
                "avertissement": post.content_warning,
                "etat": post.state,
                "cree_le": iso(post.created_at),
                "modifie_le": iso(post.edited_at),
                "images": images,
            }
        )
    return posts


def export_member(member: Member, archive: Archive) -> None:
    """publications, commentaires, messages, reactions, abonnements, and the
    notification preferences."""
    docs = archive.documents
    docs["publications.json"] = _posts(member, archive.files)
    docs["commentaires.json"] = rows(
        Comment.objects.filter(author=member),
        ["id", "post_id", "parent_id", "body", "state", "created_at", "edited_at"],
    )
    docs["messages.json"] = [
        {
            "id": message.pk,
            "salon": message.room_id,
            "type_de_salon": message.room.kind,
            "texte": message.body,
            "cree_le": iso(message.created_at),
        }
        for message in ChatMessage.objects.filter(author=member).select_related("room")
    ]
    docs["reactions.json"] = rows(
        Reaction.objects.filter(member=member), ["post_id", "kind", "created_at"]
    )
    docs["abonnements.json"] = {
        "abonnements": rows(
            Follow.objects.filter(follower=member), ["kind", "target_id", "created_at"]
        ),
        "sourdines": rows(
            Mute.objects.filter(muter=member), ["muted_id", "created_at"]
        ),
        "blocages": rows(
            Block.objects.filter(blocker=member), ["blocked_id", "created_at"]
        ),
    }
    archive.section("notifications.json")["preferences"] = rows(
        NotificationPreference.objects.filter(member=member), ["kind", "channel"]
    )


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


def _messages(member: Member, former: Member, *, remove: bool) -> None:
    messages = ChatMessage.objects.filter(author=member)
    if remove:
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


def erase_member(erasure: Erasure) -> None:
    """Remove or anonymise the member's posts, comments and messages; hand
    their conversations to « ancien membre »; drop reactions and mentions."""
    member, former = erasure.member, erasure.former
    if erasure.remove:
        _remove_posts(member, former, erasure.files)
        _anonymise_posts(member, former, tip_discussions_only=True)
        _remove_comments(member, former)
    else:
        _anonymise_posts(member, former)
        _anonymise_comments(member, former)
    _messages(member, former, remove=erasure.remove)
    _direct_rooms(member, former)
    Reaction.objects.filter(member=member).delete()
    _forget_mentions(member)


def register_all() -> None:
    kinds.register_export(
        export_member,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- publications.json, commentaires.json : ce que "
            "vous avez écrit dans les fils ;\n"
            "- messages.json : vos messages dans les salons et les messages privés ;\n"
            "- reactions.json, abonnements.json : vos "
            "réactions, abonnements, sourdines,\n"
            "  blocages ;"
        ),
    )
    kinds.register_member_eraser(erase_member)
