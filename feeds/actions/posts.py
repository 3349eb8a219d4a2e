"""Writes of posts, comments and reactions; each publishes after commit."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common import ratelimit, trust
from community import roles
from community.domains import Domain
from community.models import Member, Neighbourhood
from feeds import rendering
from feeds.access import is_blocked_between
from feeds.images import check_post_image, make_post_image
from feeds.models import (
    Comment,
    ContentState,
    Post,
    PostImage,
    PostTarget,
    Reaction,
    ReactionKind,
)
from feeds.models.posts import (
    BODY_MAX_LENGTH,
    CLIENT_KEY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    CONTENT_WARNING_MAX_LENGTH,
    MAX_IMAGES,
)
from feeds.models.social import NotificationKind
from feeds.notify import notify_member
from feeds.queries import decorate_new_post, decorate_posts
from feeds.queries.new_post import read_before_post
from feeds.targets import challenge_pages
from feeds.text import find_mentions
from realtime.groups import challenge_stream, neighbourhood_stream, town_stream
from realtime.publish import publish_to_each, sends_first
from realtime.rows import one_statement, publish_new_row


def clean_text(text: str, max_length: int, *, field: str = "body") -> str:
    """The text as stored: trimmed, no NUL; raise when empty or too long."""
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: _("Écrivez quelque chose avant d'envoyer.")})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("Le texte fait %(length)d caractères ; %(max)d au plus.")
                % {"length": len(text), "max": max_length}
            }
        )
    return text


def clean_client_key(client_key: str) -> str:
    key = (client_key or "").strip()
    if not key or len(key) > CLIENT_KEY_MAX_LENGTH:
        raise ValidationError(_("Envoi invalide : rechargez la page et réessayez."))
    return key


def post_streams(post: Post) -> list[str]:
    """Every stream a post appears on: the town, and its neighbourhood or challenge."""
    streams = [town_stream(post.town_id)]
    if post.neighbourhood_id is not None:
        streams.append(neighbourhood_stream(post.neighbourhood_id))
    if post.challenge_id is not None:
        streams.append(challenge_stream(post.challenge_id))
    return streams


def home_stream(post: Post) -> str:
    """The stream of the feed a post belongs to (its detail page listens there)."""
    return post_streams(post)[-1]


def _publish_all(
    streams: Sequence[str], event: str, data: dict, members: Sequence[int | None]
) -> None:
    """Publish on every stream, in order; `members` are those the event is
    about: a viewer who hides one of them gets no copy (docs/realtime.md)."""
    publish_to_each(streams, event, data, members=members)


def _publish_post(
    post: Post,
    event: str,
    *,
    new_images: list[PostImage] | None = None,
    insert: bool = False,
) -> None:
    """Publish a post's card; `new_images`: the post was created in this
    transaction with these pictures (nothing to read back); `insert`: the post
    is new, its id given, and is inserted with its events (`publish_new_row`)."""
    if new_images is None:
        decorate_posts([post], None)
    else:
        decorate_new_post(post, new_images)
    data = {
        "html": rendering.render_post(post),
        "item": f"post-{post.pk}",
        "post_id": post.pk,
        "author_id": post.author_id,
        # "Mon fil" keeps the town stream's posts by these (data-live-match).
        "neighbourhood_id": post.neighbourhood_id,
        "challenge_id": post.challenge_id,
    }
    if insert:
        publish_new_row(post, post_streams(post), event, data, members=[post.author_id])
    else:
        _publish_all(post_streams(post), event, data, [post.author_id])


def open_challenge_id(member: Member, challenge_id: int | None) -> int | None:
    """The id of a live, not yet ended challenge of the member's town, else None."""
    pages = challenge_pages()
    if challenge_id is None or pages is None:
        return None
    return pages.open_for(member, challenge_id)


def _no_such_neighbourhood() -> dict:
    return {"neighbourhood": _("Ce quartier n'existe pas dans votre commune.")}


def _check_target(
    author: Member, target: str, neighbourhood_id: int | None, challenge_id: int | None
) -> Neighbourhood | None:
    if target == PostTarget.TOWN:
        return None
    if target == PostTarget.NEIGHBOURHOOD:
        neighbourhood = Neighbourhood.objects.filter(
            pk=neighbourhood_id, town_id=author.town_id
        ).first()
        if neighbourhood_id is None or neighbourhood is None:
            raise ValidationError(_no_such_neighbourhood())
        return neighbourhood
    if target == PostTarget.CHALLENGE:
        if open_challenge_id(author, challenge_id) is None:
            raise ValidationError({"target": _("Ce défi n'existe pas ou est terminé.")})
        return None
    raise ValidationError({"target": _("Choisissez où publier.")})


def _post_domain(target: str, challenge_id: int | None, chosen: str) -> str:
    """A challenge's post is about the challenge's domain; any other post about
    the domain its author chose, if any (« Mon fil » puts it first for the
    households of that domain)."""
    if target == PostTarget.CHALLENGE:
        pages = challenge_pages()
        domain = None
        if pages is not None:
            domain = (
                pages.visible()
                .filter(pk=challenge_id)
                .values_list("domain", flat=True)
                .first()
            )
        return domain or ""
    chosen = chosen or ""
    if chosen and chosen not in Domain.values:
        raise ValidationError({"domain": _("Choisissez parmi les domaines proposés.")})
    return chosen


def check_create_post(
    author: Member,
    *,
    body: str,
    client_key: str,
    target: str = PostTarget.TOWN,
    neighbourhood_id: int | None = None,
    challenge_id: int | None = None,
    content_warning: str = "",
    images: Sequence[UploadedFile] = (),
    image_alts: Sequence[str] = (),
    domain: str = "",
) -> Post:
    """Validate then create a post; the same client key twice stores it once."""
    key = clean_client_key(client_key)
    # The client key's post, the author's référent badge (the live card shows
    # it) and the chosen neighbourhood in one query (feeds/queries/new_post.py).
    asked = neighbourhood_id if target == PostTarget.NEIGHBOURHOOD else None
    before = read_before_post(author, key, asked if isinstance(asked, int) else None)
    if before.existing_id is not None:
        existing = Post.objects.filter(pk=before.existing_id).first()
        if existing is not None:
            return existing
    if "referent" not in author._state.fields_cache:
        author._state.fields_cache["referent"] = before.referent
    body = clean_text(body, BODY_MAX_LENGTH)
    content_warning = (content_warning or "").replace("\x00", "").strip()
    if len(content_warning) > CONTENT_WARNING_MAX_LENGTH:
        raise ValidationError(
            {
                "content_warning": _("L'avertissement fait %(max)d caractères au plus.")
                % {"max": CONTENT_WARNING_MAX_LENGTH}
            }
        )
    if len(images) > MAX_IMAGES:
        raise ValidationError(
            {
                "images": _("%(max)d images au plus par publication.")
                % {"max": MAX_IMAGES}
            }
        )
    for upload in images:
        check_post_image(upload)
    if target == PostTarget.NEIGHBOURHOOD and isinstance(asked, int):
        neighbourhood = before.neighbourhood
        if neighbourhood is None:
            raise ValidationError(_no_such_neighbourhood())
    else:
        neighbourhood = _check_target(author, target, neighbourhood_id, challenge_id)
    domain = _post_domain(target, challenge_id, domain)
    trust.check_can_post(author, body=body, image_count=len(images))
    ratelimit.check_rate(author, "post")
    # Pictures are re-encoded before the transaction: a bad file writes nothing.
    encoded = [make_post_image(upload) for upload in images]
    post = Post(
        town_id=author.town_id,
        author=author,
        target=target,
        neighbourhood=neighbourhood,
        challenge_id=challenge_id if target == PostTarget.CHALLENGE else None,
        domain=domain,
        body=body,
        content_warning=content_warning,
        mentions=find_mentions(author.town_id, body),
        client_key=key,
    )
    try:
        if before.next_id is not None and not encoded and not post.mentions:
            # Nothing but the post and its events to write: one statement
            # (PostgreSQL; its own transaction when no caller's is open).
            post.pk = before.next_id
            with one_statement():
                _publish_post(post, "post.created", new_images=[], insert=True)
            return post
        with transaction.atomic(), sends_first():
            post.save(force_insert=True)
            pictures = []
            for position, (large, small) in enumerate(encoded):
                image = PostImage(
                    post=post,
                    position=position,
                    alt_text=(
                        image_alts[position] if position < len(image_alts) else ""
                    )[:200],
                )
                image.image.save(f"{post.pk}-{position}.jpg", large, save=False)
                image.thumbnail.save(
                    f"{post.pk}-{position}-vignette.jpg", small, save=False
                )
                image.save()
                pictures.append(image)
            _publish_post(post, "post.created", new_images=pictures)
            for mention in post.mentions:
                notify_member(
                    mention["id"], author, NotificationKind.MENTION, post=post
                )
    except IntegrityError:
        # The same client key committed by a concurrent retry: that one wins.
        existing = Post.objects.filter(author=author, client_key=key).first()
        if existing is None:
            raise
        return existing
    return post


def check_edit_post(
    author: Member, post: Post, *, body: str, content_warning: str
) -> Post:
    """Change a post's text; only its author may, while it is published."""
    if post.author_id != author.pk or post.state != ContentState.PUBLISHED:
        raise PermissionDenied
    post.body = clean_text(body, BODY_MAX_LENGTH)
    trust.check_can_comment(author, body=post.body)
    post.content_warning = (content_warning or "").strip()[:CONTENT_WARNING_MAX_LENGTH]
    post.mentions = find_mentions(author.town_id, post.body)
    post.edited_at = timezone.now()
    with transaction.atomic(), sends_first():
        post.save(update_fields=["body", "content_warning", "mentions", "edited_at"])
        _publish_post(post, "post.updated")
    return post


def _remove(post: Post, state: str, by: User | None) -> None:
    with transaction.atomic(), sends_first():
        post.state = state
        post.state_changed_at = timezone.now()
        post.state_changed_by = by
        post.save(update_fields=["state", "state_changed_at", "state_changed_by"])
        data = {"remove": True, "item": f"post-{post.pk}"}
        _publish_all(post_streams(post), "post.removed", data, [post.author_id])


def do_delete_post(author: Member, post: Post) -> None:
    """The author deletes their post: it disappears everywhere."""
    if post.author_id != author.pk:
        raise PermissionDenied
    if post.state != ContentState.DELETED:
        _remove(post, ContentState.DELETED, author.user)


def do_hide_post(moderator: User, post: Post) -> None:
    """A moderator hides a post: it disappears for everyone but stays in the admin."""
    if not roles.is_moderator(moderator, post.town_id):
        raise PermissionDenied
    if post.state == ContentState.PUBLISHED:
        _remove(post, ContentState.HIDDEN, moderator)


def do_hide_post_pending_review(post: Post) -> None:
    """Hide a post that enough trusted members reported, until a moderator looks."""
    if post.state == ContentState.PUBLISHED:
        _remove(post, ContentState.HIDDEN, None)


def do_restore_post(moderator: User, post: Post) -> None:
    """A moderator puts a hidden post back: it reappears live where it was."""
    if not roles.is_moderator(moderator, post.town_id):
        raise PermissionDenied
    if post.state == ContentState.HIDDEN:
        with transaction.atomic(), sends_first():
            post.state = ContentState.PUBLISHED
            post.state_changed_at = timezone.now()
            post.state_changed_by = moderator
            post.save(update_fields=["state", "state_changed_at", "state_changed_by"])
            _publish_post(post, "post.created")


def do_moderate_post_text(moderator: User, post: Post, body: str) -> None:
    """A moderator rewrites a post's text (moderation keeps the original)."""
    if not roles.is_moderator(moderator, post.town_id):
        raise PermissionDenied
    post.body = clean_text(body, BODY_MAX_LENGTH)
    post.mentions = find_mentions(post.town_id, post.body)
    post.edited_at = timezone.now()
    with transaction.atomic(), sends_first():
        post.save(update_fields=["body", "mentions", "edited_at"])
        if post.state == ContentState.PUBLISHED:
            _publish_post(post, "post.updated")


def _set_comment_state(comment: Comment, state: str, delta: int, event: str) -> None:
    comment.state = state
    comment.save(update_fields=["state"])
    Post.objects.filter(pk=comment.post_id).update(
        comment_count=F("comment_count") + delta
    )
    post = comment.post
    post.refresh_from_db(fields=["comment_count"])
    # A reply is hidden with the comment it answers (feeds.queries.post_comments).
    parent_author_id = (
        Comment.objects.filter(pk=comment.parent_id)
        .values_list("author_id", flat=True)
        .first()
        if comment.parent_id
        else None
    )
    if event == "comment.removed":
        data = {"remove": True, "item": f"comment-{comment.pk}"}
    else:
        data = {
            "comment_html": rendering.render_comment(comment),
            "list": f"comments-{post.pk}"
            + (f"-{comment.parent_id}" if comment.parent_id else ""),
            "comment_item": f"comment-{comment.pk}",
            "replace_html": rendering.render_comment_count(post),
            "item": f"comment-count-{post.pk}",
            "post_id": post.pk,
            "author_id": comment.author_id,
        }
    _publish_all(post_streams(post), event, data, [comment.author_id, parent_author_id])


def do_hide_comment(moderator: User, comment: Comment) -> None:
    """A moderator hides a comment: it disappears live, the row stays."""
    if not roles.is_moderator(moderator, comment.post.town_id):
        raise PermissionDenied
    if comment.state == ContentState.PUBLISHED:
        with transaction.atomic(), sends_first():
            _set_comment_state(comment, ContentState.HIDDEN, -1, "comment.removed")


def do_hide_comment_pending_review(comment: Comment) -> None:
    """Hide a comment that enough trusted members reported, until reviewed."""
    if comment.state == ContentState.PUBLISHED:
        with transaction.atomic(), sends_first():
            _set_comment_state(comment, ContentState.HIDDEN, -1, "comment.removed")


def do_restore_comment(moderator: User, comment: Comment) -> None:
    """A moderator puts a hidden comment back in its thread."""
    if not roles.is_moderator(moderator, comment.post.town_id):
        raise PermissionDenied
    if comment.state == ContentState.HIDDEN:
        with transaction.atomic(), sends_first():
            _set_comment_state(comment, ContentState.PUBLISHED, 1, "comment.created")


def do_moderate_comment_text(moderator: User, comment: Comment, body: str) -> None:
    """A moderator rewrites a comment's text (moderation keeps the original)."""
    if not roles.is_moderator(moderator, comment.post.town_id):
        raise PermissionDenied
    comment.body = clean_text(body, COMMENT_MAX_LENGTH)
    comment.mentions = find_mentions(comment.post.town_id, comment.body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "mentions", "edited_at"])


def check_add_comment(
    author: Member,
    post: Post,
    *,
    body: str,
    client_key: str,
    parent_id: int | None = None,
) -> Comment:
    """Comment a post or reply to a comment; the same client key stores it once."""
    key = clean_client_key(client_key)
    existing = Comment.objects.filter(author=author, client_key=key).first()
    if existing is not None:
        return existing
    body = clean_text(body, COMMENT_MAX_LENGTH)
    if post.state != ContentState.PUBLISHED or post.town_id != author.town_id:
        raise ValidationError(_("Cette publication n'existe plus."))
    if is_blocked_between(author.pk, post.author_id):
        raise ValidationError(_("Vous ne pouvez pas commenter cette publication."))
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(
            pk=parent_id, post=post, state=ContentState.PUBLISHED
        ).first()
        if parent is None:
            raise ValidationError(
                _("Le commentaire auquel vous répondez n'existe plus.")
            )
        # One level of replies: a reply to a reply joins the same thread.
        if parent.parent_id is not None:
            parent = parent.parent
    trust.check_can_comment(author, body=body)
    ratelimit.check_rate(author, "comment")
    try:
        with transaction.atomic(), sends_first():
            comment = Comment.objects.create(
                post=post,
                parent=parent,
                author=author,
                body=body,
                mentions=find_mentions(author.town_id, body),
                client_key=key,
            )
            Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
            post.comment_count += 1
            # No `html` key: a comment is no item of a feed list, so live.js must
            # not add it there; static/feeds/feeds.js puts it in its thread.
            data = {
                "comment_html": rendering.render_comment(comment),
                "list": f"comments-{post.pk}"
                + (f"-{parent.pk}" if parent is not None else ""),
                "comment_item": f"comment-{comment.pk}",
                "replace_html": rendering.render_comment_count(post),
                "item": f"comment-count-{post.pk}",
                "post_id": post.pk,
                "author_id": author.pk,
            }
            _publish_all(
                post_streams(post),
                "comment.created",
                data,
                [author.pk, parent.author_id if parent is not None else None],
            )
            told = {author.pk}
            reply_to = parent.author_id if parent is not None else post.author_id
            # Both quote the comment: the post is what the recipient may
            # have written, the comment is the news.
            notify_member(
                reply_to,
                author,
                NotificationKind.REPLY,
                post=post,
                quote=comment.body,
            )
            told.add(reply_to)
            for mention in comment.mentions:
                if mention["id"] not in told:
                    notify_member(
                        mention["id"],
                        author,
                        NotificationKind.MENTION,
                        post=post,
                        quote=comment.body,
                    )
    except IntegrityError:
        existing = Comment.objects.filter(author=author, client_key=key).first()
        if existing is None:
            raise
        return existing
    return comment


def do_delete_comment(author: Member, comment: Comment) -> None:
    """The author deletes their comment."""
    if comment.author_id != author.pk:
        raise PermissionDenied
    if comment.state == ContentState.PUBLISHED:
        with transaction.atomic(), sends_first():
            comment.state = ContentState.DELETED
            comment.save(update_fields=["state"])
            Post.objects.filter(pk=comment.post_id).update(
                comment_count=F("comment_count") - 1
            )
            data = {"remove": True, "item": f"comment-{comment.pk}"}
            _publish_all(
                post_streams(comment.post), "comment.removed", data, [author.pk]
            )


def do_react(member: Member, post: Post, kind: str) -> bool:
    """Toggle a member's reaction of one kind; return whether it is now on."""
    if kind not in ReactionKind.values:
        raise ValidationError(_("Réaction inconnue."))
    if post.state != ContentState.PUBLISHED or post.town_id != member.town_id:
        raise ValidationError(_("Cette publication n'existe plus."))
    if is_blocked_between(member.pk, post.author_id):
        raise ValidationError(_("Vous ne pouvez pas réagir à cette publication."))
    trust.check_can_react(member)
    ratelimit.check_rate(
        member,
        "reaction",
        _(
            "Beaucoup de réactions en peu de temps : réessayez dans "
            "%(minutes)d min au plus."
        ),
    )
    with transaction.atomic(), sends_first():
        deleted, _ignored = Reaction.objects.filter(
            post=post, member=member, kind=kind
        ).delete()
        on = not deleted
        if on:
            _reaction, created = Reaction.objects.get_or_create(
                post=post, member=member, kind=kind
            )
            if created:
                notify_member(
                    post.author_id, member, NotificationKind.REACTION, post=post
                )
        decorate_posts([post], None)
        # `replace_html`, not `html`: counts update a post the page shows and
        # never add a stray block to a list (live.js inserts every `html`).
        data = {
            "replace_html": rendering.render_reactions(post),
            "item": f"reactions-{post.pk}",
            "post_id": post.pk,
        }
        _publish_all(post_streams(post), "post.reactions", data, [post.author_id])
    return on
