"""The HTML of one item, from the template fragment the pages include.

Live events carry this HTML, so a live item and a reloaded one come from the
same markup. A live copy is rendered for nobody in particular (`viewer` None):
it shows the item and its counts, and the viewer's own forms appear on reload.
"""

from django.conf import settings
from django.template.loader import render_to_string as _render
from django.utils import translation

from community.models import Member
from feeds.models import ChatMessage, Comment, Post


def render_to_string(template: str, context: dict) -> str:
    # Everyone on the stream gets one copy: in the site's language (French),
    # whatever the language of the member whose request published it.
    # No request, so no CSRF token: the forms of a live copy get theirs from the
    # page (feeds.js).
    with translation.override(settings.LANGUAGE_CODE):
        return _render(template, context)


def render_post(post: Post, viewer: Member | None = None) -> str:
    return render_to_string(
        "feeds/includes/post.html",
        {"post": post, "viewer": viewer, "live": viewer is None},
    )


def render_reactions(post: Post, viewer: Member | None = None) -> str:
    return render_to_string(
        "feeds/includes/reactions.html",
        {"post": post, "viewer": viewer, "live": viewer is None},
    )


def render_comment_count(post: Post) -> str:
    return render_to_string("feeds/includes/comment_count.html", {"post": post})


def render_comment(comment: Comment, viewer: Member | None = None) -> str:
    return render_to_string(
        "feeds/includes/comment.html",
        {
            "comment": comment,
            "post": comment.post,
            "viewer": viewer,
            "live": viewer is None,
        },
    )


def render_message(message: ChatMessage, viewer: Member | None = None) -> str:
    return render_to_string(
        "feeds/includes/message.html",
        {"message": message, "viewer": viewer, "live": viewer is None},
    )
