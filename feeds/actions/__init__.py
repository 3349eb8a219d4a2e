"""Every write to the feeds tables goes through here."""

from .chat import (
    check_send_message,
    do_mark_read,
    get_or_create_direct_room,
    get_or_create_neighbourhood_room,
)
from .notifications import do_mark_all_notifications_read, do_mark_notification_read
from .posts import (
    check_add_comment,
    check_create_post,
    check_edit_post,
    do_delete_comment,
    do_delete_post,
    do_hide_post,
    do_react,
    post_streams,
)
from .social import (
    do_block,
    do_follow,
    do_mute,
    do_set_notification_preferences,
    do_unblock,
    do_unfollow,
    do_unmute,
)

__all__ = [
    "check_add_comment",
    "check_create_post",
    "check_edit_post",
    "check_send_message",
    "do_block",
    "do_delete_comment",
    "do_delete_post",
    "do_follow",
    "do_hide_post",
    "do_mark_all_notifications_read",
    "do_mark_notification_read",
    "do_mark_read",
    "do_mute",
    "do_react",
    "do_set_notification_preferences",
    "do_unblock",
    "do_unfollow",
    "do_unmute",
    "get_or_create_direct_room",
    "get_or_create_neighbourhood_room",
    "post_streams",
]
