"""The HTML of one item for live events, from the template fragment pages include.

Live events carry this HTML, so a live item and a reloaded one come from the
same markup. A live copy is the same bytes for every member who receives it:
rendered for nobody in particular (`live`), in the site's language, with every
control a viewer may have (owner's edit and delete, report, reaction buttons)
and no CSRF token, no return address, no « pressed » reaction. The page
personalises it from data attributes (`feeds/static/feeds/feeds.js`: the item's
`data-author` against the page's `data-feeds-member`, the page's token and
address). Without JavaScript the page reloaded is rendered for its viewer by the
server. Who does not see an item at all (blocks, mutes) is decided by the
server per connection (realtime/consumers.py), not in the page.
"""

from django.conf import settings
from django.template.loader import render_to_string as _render
from django.utils import translation

from feeds.cards import load_badge
from feeds.models import ChatMessage, Comment, Post


def render_to_string(template: str, context: dict) -> str:
    # Everyone on the stream gets one copy: in the site's language (French),
    # whatever the language of the member whose request published it.
    # No request, so no CSRF token: the forms of a live copy get theirs from the
    # page (feeds.js).
    with translation.override(settings.LANGUAGE_CODE):
        return _render(template, context)


def render_post(post: Post) -> str:
    load_badge(post.author)
    return render_to_string("feeds/includes/post.html", {"post": post, "live": True})


def render_reactions(post: Post) -> str:
    return render_to_string(
        "feeds/includes/reactions.html", {"post": post, "live": True}
    )


def render_comment_count(post: Post) -> str:
    return render_to_string("feeds/includes/comment_count.html", {"post": post})


def render_comment(comment: Comment) -> str:
    load_badge(comment.author)
    for reply in getattr(comment, "reply_list", ()):
        load_badge(reply.author)
    return render_to_string(
        "feeds/includes/comment.html",
        {"comment": comment, "post": comment.post, "live": True},
    )


def render_message(message: ChatMessage) -> str:
    return render_to_string(
        "feeds/includes/message.html", {"message": message, "live": True}
    )
