"""French URLs of feeds, chat and notifications (included before Wagtail's pages)."""

from django.urls import path

from feeds.views import chat, notifications, posts

app_name = "feeds"

urlpatterns = [
    path("fil/", posts.my_feed, name="mine"),
    path("fil/commune/", posts.town_feed, name="town"),
    path("quartiers/<slug:slug>/", posts.neighbourhood_feed, name="neighbourhood"),
    path(
        "quartiers/<slug:slug>/suivre/",
        posts.neighbourhood_follow,
        name="neighbourhood_follow",
    ),
    path("publications/nouvelle/", posts.create_post, name="create"),
    path("publications/<int:post_id>/", posts.post_detail, name="post"),
    path("publications/<int:post_id>/modifier/", posts.edit_post, name="edit"),
    path("publications/<int:post_id>/supprimer/", posts.delete_post, name="delete"),
    path("publications/<int:post_id>/masquer/", posts.hide_post, name="hide"),
    path("publications/<int:post_id>/reagir/", posts.react, name="react"),
    path("publications/<int:post_id>/commenter/", posts.add_comment, name="comment"),
    path(
        "commentaires/<int:comment_id>/supprimer/",
        posts.delete_comment,
        name="delete_comment",
    ),
    path("membres/<int:member_id>/", posts.member_profile, name="member"),
    path(
        "membres/<int:member_id>/relation/",
        posts.member_relation,
        name="member_relation",
    ),
    path("messages/", chat.rooms, name="rooms"),
    path("messages/<int:room_id>/", chat.room, name="room"),
    path("messages/avec/<int:member_id>/", chat.start_direct, name="start_direct"),
    path("notifications/", notifications.centre, name="notifications"),
    path("notifications/lues/", notifications.mark_read, name="notifications_read"),
    path(
        "notifications/preferences/",
        notifications.preferences,
        name="notification_preferences",
    ),
]
