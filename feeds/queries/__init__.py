"""Permission-checked reads of the feeds app."""

from .page_state import PageState, read_page_state
from .post_cards import comment_cards, post_cards
from .posts import (
    FeedPage,
    access_member,
    access_neighbourhood,
    access_post,
    challenge_feed,
    decorate_new_post,
    decorate_posts,
    member_for,
    member_posts,
    my_feed,
    my_feed_live_match,
    neighbourhood_feed,
    post_comments,
    relation_to,
    town_feed,
)

__all__ = [
    "FeedPage",
    "PageState",
    "access_member",
    "access_neighbourhood",
    "access_post",
    "challenge_feed",
    "comment_cards",
    "decorate_new_post",
    "decorate_posts",
    "member_for",
    "member_posts",
    "my_feed",
    "my_feed_live_match",
    "neighbourhood_feed",
    "post_cards",
    "post_comments",
    "read_page_state",
    "relation_to",
    "town_feed",
]
