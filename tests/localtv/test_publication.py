"""Moderators publish from the admin; never a video without its captions,
neither with « Publier » nor by approving it in the workflow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from notifications.models import Notification
from wagtail.models import WorkflowState

from localtv.models import VideoPage
from tests.localtv.conftest import SRT
from tests.localtv.helpers import propose

pytestmark = pytest.mark.django_db

VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour les voisins !\n"


def edit_form(video: VideoPage, **extra) -> dict:
    return {
        "title": video.title,
        "slug": video.slug,
        "description": video.description,
        "domain": video.domain,
        "author": video.author_id or "",
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000,
        **extra,
    }


def approve(client, moderator, video: VideoPage):
    client.force_login(moderator)
    task_state = WorkflowState.objects.get(object_id=str(video.pk)).current_task_state
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[video.pk, "approve", task_state.pk],
        ),
        {"comment": "Merci !"},
    )


def test_publish_in_the_admin_is_refused_until_captions_are_added(
    client, channel, member, moderator, samples
):
    assert propose(client, member, samples.good).status_code == 302
    video = VideoPage.objects.get()
    client.force_login(moderator)
    edit = reverse("wagtailadmin_pages:edit", args=[video.pk])
    answer = client.post(edit, edit_form(video, **{"action-publish": "publish"}))
    assert answer.status_code == 302 and answer.url == edit
    assert "Publication refusée" in client.get(edit).text
    video.refresh_from_db()
    assert video.live is False

    captions = SimpleUploadedFile("sous-titres.vtt", VTT, content_type="text/vtt")
    answer = client.post(
        edit, edit_form(video, captions=captions, **{"action-publish": "publish"})
    )
    assert answer.status_code == 302
    video.refresh_from_db()
    assert video.live is True and video.captions.name.endswith(".vtt")
    client.logout()
    page = client.get(video.url)
    assert page.status_code == 200
    assert '<track kind="captions" srclang="fr"' in page.text


def test_approving_in_the_workflow_without_captions_changes_nothing(
    client, channel, member, moderator, samples
):
    assert propose(client, member, samples.good).status_code == 302
    video = VideoPage.objects.get()
    client.force_login(moderator)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[video.pk]))
    assert "pas encore de sous-titres" in edit.text
    # Wagtail turns the refusal into its « no permission » redirect.
    assert approve(client, moderator, video).url == reverse("wagtailadmin_home")
    video.refresh_from_db()
    assert video.live is False
    state = WorkflowState.objects.get(object_id=str(video.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not Notification.objects.filter(recipient=member.user).exists()


def test_approving_a_captioned_video_publishes_it_and_tells_its_author(
    client, channel, member, moderator, samples
):
    assert propose(client, member, samples.good, captions=SRT).status_code == 302
    video = VideoPage.objects.get()
    assert approve(client, moderator, video).status_code == 302
    video.refresh_from_db()
    assert video.live is True
    notification = Notification.objects.get(recipient=member.user)
    assert notification.verb == "video_approved"
    assert notification.data["url"] == video.url
    assert "est publiée" in notification.data["excerpt"]
    client.force_login(member.user)
    centre = client.get(reverse("feeds:notifications")).text
    assert "— télé locale :" in centre and "est publiée" in centre
    client.logout()
    assert video.title in client.get(channel.url).text


def test_a_moderator_adds_a_video_in_the_admin_checked_like_a_residents(
    client, channel, moderator, samples
):
    client.force_login(moderator)
    add = reverse("wagtailadmin_pages:add", args=["localtv", "videopage", channel.pk])
    assert client.get(add).status_code == 200
    form = {
        "title": "L'atelier réparation",
        "slug": "atelier-reparation",
        "description": "Le samedi à la salle des fêtes.",
        "domain": "",
        "author": "",
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000,
        "action-publish": "publish",
    }
    refused = client.post(
        add,
        {
            **form,
            "video": SimpleUploadedFile("faux.mp4", samples.text),
            "captions": SimpleUploadedFile("s.srt", SRT),
        },
    )
    assert refused.status_code == 200
    assert "n&#x27;est pas une vidéo lisible" in refused.text
    assert not VideoPage.objects.exists()

    answer = client.post(
        add,
        {
            **form,
            "video": SimpleUploadedFile("atelier.mp4", samples.good),
            "captions": SimpleUploadedFile("s.srt", SRT),
        },
    )
    assert answer.status_code == 302
    video = VideoPage.objects.get()
    assert video.live and video.duration_seconds == 2
    assert video.poster.name.startswith("localtv/posters/")
    assert video.captions.name.endswith(".vtt")
    assert video.captions.open().read().startswith(b"WEBVTT")


def test_a_rejected_video_stays_a_draft_and_its_author_reads_why(
    client, channel, member, moderator, samples
):
    assert propose(client, member, samples.good, captions=SRT).status_code == 302
    video = VideoPage.objects.get()
    client.force_login(moderator)
    task_state = WorkflowState.objects.get(object_id=str(video.pk)).current_task_state
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[video.pk, "reject", task_state.pk],
        ),
        {"comment": "Le son est trop faible."},
    )
    video.refresh_from_db()
    assert video.live is False
    notification = Notification.objects.get(recipient=member.user)
    assert notification.verb == "video_rejected"
    assert "Le son est trop faible." in notification.data["excerpt"]
    assert notification.data["url"] == channel.url
