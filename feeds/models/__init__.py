from .chat import ChatMessage, ChatRoom, ReadMarker, RoomKind
from .posts import (
    Comment,
    ContentState,
    Post,
    PostImage,
    PostTarget,
    Reaction,
    ReactionKind,
)
from .social import (
    Block,
    Follow,
    FollowKind,
    Mute,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)

__all__ = [
    "Block",
    "ChatMessage",
    "ChatRoom",
    "Comment",
    "ContentState",
    "Follow",
    "FollowKind",
    "Mute",
    "NotificationChannel",
    "NotificationKind",
    "NotificationPreference",
    "Post",
    "PostImage",
    "PostTarget",
    "Reaction",
    "ReactionKind",
    "ReadMarker",
    "RoomKind",
]
