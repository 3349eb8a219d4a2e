"""Permission-checked reads of the feeds app."""

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
    "access_member",
    "access_neighbourhood",
    "access_post",
    "challenge_feed",
    "decorate_new_post",
    "decorate_posts",
    "member_for",
    "member_posts",
    "my_feed",
    "my_feed_live_match",
    "neighbourhood_feed",
    "post_comments",
    "relation_to",
    "town_feed",
]
