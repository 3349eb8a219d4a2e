"""What feeds registers with the layers below it: posts, comments and chat
messages as content kinds (moderation reaches them through `common.kinds`),
their search kinds, who blocked whom, and the posts of a member's home.

Called once from FeedsConfig.ready(). Nothing here writes: the hooks call
feeds' actions.
"""

from django.contrib.auth.models import User
from django.db.models import Count, Model, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common import kinds
from common.kinds import ContentKind, Shown
from community import home
from community.models import Member
from feeds import access, personal_data, queries, search_kinds
from feeds.actions import chat as chat_actions
from feeds.actions import posts as post_actions
from feeds.models import ChatMessage, Comment, ContentState, Post
from feeds.models.chat import MESSAGE_MAX_LENGTH
from search import registry as search_registry


def _authored(model: type[Post] | type[Comment]):
    """The member's shown and hidden rows of `model`, in one query."""

    def count(member: Member) -> tuple[int, int]:
        row = model.objects.filter(author=member).aggregate(
            published=Count("pk", filter=Q(state=ContentState.PUBLISHED)),
            hidden=Count("pk", filter=Q(state=ContentState.HIDDEN)),
        )
        return row["published"], row["hidden"]

    return count


def _load_post(pk: int) -> Post | None:
    return Post.objects.select_related("author").filter(pk=pk).first()


def _show_post(post: Post) -> Shown:
    return Shown(
        town_id=post.town_id,
        author=post.author,
        neighbourhood_id=post.neighbourhood_id,
        text=post.body,
        url=reverse("feeds:post", args=[post.pk]),
        hidden=post.state == ContentState.HIDDEN,
    )


def _hide_post(post: Post, moderator: User | None, decision: Model | None) -> None:
    if moderator is None:
        post_actions.do_hide_post_pending_review(post)
    else:
        post_actions.do_hide_post(moderator, post)


def _load_comment(pk: int) -> Comment | None:
    return Comment.objects.select_related("author", "post").filter(pk=pk).first()


def _show_comment(comment: Comment) -> Shown:
    return Shown(
        town_id=comment.post.town_id,
        author=comment.author,
        neighbourhood_id=comment.post.neighbourhood_id,
        text=comment.body,
        url=reverse("feeds:post", args=[comment.post_id]) + f"#comment-{comment.pk}",
        hidden=comment.state == ContentState.HIDDEN,
        context=comment.post.body,
    )


def _comment_reportable(reporter: Member, comment: Comment) -> bool:
    return (
        comment.state == ContentState.PUBLISHED
        and comment.post.state == ContentState.PUBLISHED
    )


def _hide_comment(
    comment: Comment, moderator: User | None, decision: Model | None
) -> None:
    if moderator is None:
        post_actions.do_hide_comment_pending_review(comment)
    else:
        post_actions.do_hide_comment(moderator, comment)


def _load_message(pk: int) -> ChatMessage | None:
    return ChatMessage.objects.select_related("author", "room").filter(pk=pk).first()


def _show_message(message: ChatMessage) -> Shown:
    """The message and the three before it in its room, for context. Hidden by
    moderation's own table (a message has no state): `hidden` is moderation's
    to say."""
    before = list(
        ChatMessage.objects.filter(room_id=message.room_id, pk__lt=message.pk)
        .select_related("author")
        .order_by("-pk")[:3]
    )
    context = "\n".join(
        f"{row.author.display_name} : {row.body}" for row in reversed(before)
    )
    return Shown(
        town_id=message.room.town_id,
        author=message.author,
        neighbourhood_id=message.room.neighbourhood_id,
        text=message.body,
        url=reverse("feeds:room", args=[message.room_id]),
        hidden=False,
        context=context,
    )


def _edit_message(message: ChatMessage, moderator: User, body: str) -> None:
    """A moderator rewrites a message's text (moderation keeps the original)."""
    message.body = post_actions.clean_text(body, MESSAGE_MAX_LENGTH)
    message.save(update_fields=["body"])


HOME_POSTS_SHOWN = 6


def home_posts(member: Member, home: dict) -> None:
    """The member's home (community/home.py): the latest posts of their
    neighbourhood, then of the town.

    Both feeds are always read, so that the page's queries do not depend on how
    busy the neighbourhood is.
    """
    household = member.household
    posts: list = []
    if household is not None:
        posts = queries.neighbourhood_feed(member, household.neighbourhood).items[
            :HOME_POSTS_SHOWN
        ]
    seen = {post.pk for post in posts}
    others = [post for post in queries.town_feed(member).items if post.pk not in seen]
    home["posts"] = posts + others[: HOME_POSTS_SHOWN - len(posts)]


def register_all() -> None:
    """Called once from FeedsConfig.ready()."""
    search_registry.register_page_dependents(search_kinds.page_dependents)
    search_registry.register_hidden_authors(access.hidden_author_ids)
    kinds.register_blocked_between(access.is_blocked_between)
    kinds.register(
        ContentKind(
            name="post",
            described=_("cette publication"),
            label=_("Publication"),
            model=Post,
            load=_load_post,
            show=_show_post,
            reportable=lambda reporter, post: post.state == ContentState.PUBLISHED,
            hide=_hide_post,
            restore=lambda post, moderator: post_actions.do_restore_post(
                moderator, post
            ),
            edit=lambda post, moderator, body: post_actions.do_moderate_post_text(
                moderator, post, body
            ),
            search=search_kinds.POSTS,
            authored=_authored(Post),
        )
    )
    kinds.register(
        ContentKind(
            name="comment",
            described=_("ce commentaire"),
            label=_("Commentaire"),
            model=Comment,
            load=_load_comment,
            show=_show_comment,
            reportable=_comment_reportable,
            hide=_hide_comment,
            restore=lambda comment, moderator: post_actions.do_restore_comment(
                moderator, comment
            ),
            edit=lambda comment, moderator, body: post_actions.do_moderate_comment_text(
                moderator, comment, body
            ),
            search=search_kinds.COMMENTS,
            authored=_authored(Comment),
        )
    )
    kinds.register(
        ContentKind(
            name="message",
            described=_("ce message"),
            label=_("Message de discussion"),
            model=ChatMessage,
            load=_load_message,
            show=_show_message,
            reportable=lambda reporter, message: access.can_use_room(
                reporter, message.room
            ),
            # Moderation keeps the hidden state (its HiddenMessage rows); these
            # tell the room's open pages.
            hide=lambda message, moderator, decision: (
                chat_actions.publish_message_removed(message)
            ),
            restore=lambda message, moderator: chat_actions.publish_message_restored(
                message
            ),
            edit=_edit_message,
            own_hidden_state=False,
        )
    )
    personal_data.register_all()
    home.register_section(home_posts)
