"""A resident proposes a video: checked by ffprobe, given a poster, sent to
the moderators; a bad file is refused with why and leaves nothing."""

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from wagtail.models import WorkflowState

from localtv.models import VideoPage
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.localtv.conftest import SRT, make_channel
from tests.localtv.helpers import PROPOSAL, propose

pytestmark = pytest.mark.django_db


def test_a_good_video_becomes_a_draft_in_the_workflow_with_its_poster(
    client, channel, member, samples
):
    form = client.get(reverse("localtv:propose"))
    assert form.status_code == 302  # sign in first
    client.force_login(member.user)
    form = client.get(reverse("localtv:propose"))
    assert 'enctype="multipart/form-data"' in form.text
    assert 'name="video"' in form.text and 'name="captions"' in form.text

    answer = propose(client, member, samples.good, captions=SRT)

    assert answer.status_code == 302 and answer.url == channel.url
    video = VideoPage.objects.get()
    assert (video.title, video.author, video.live) == (
        PROPOSAL["title"],
        member,
        False,
    )
    assert video.duration_seconds == 2 and video.domain == "energy"
    # Random names, the extension our checks chose; a JPEG poster frame.
    assert video.video.name.startswith("localtv/videos/")
    assert video.video.name.endswith(".mp4") and "ma-video" not in video.video.name
    assert default_storage.open(video.poster.name).read(3) == b"\xff\xd8\xff"
    # The SRT file became WebVTT.
    captions = default_storage.open(video.captions.name).read().decode()
    assert captions.startswith("WEBVTT")
    assert "00:00:01.500 --> 00:00:02.000" in captions
    state = WorkflowState.objects.get(object_id=str(video.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == member.user
    # Not shown before the moderators publish it.
    assert PROPOSAL["title"] not in client.get(channel.url).text
    assert client.get(f"{channel.url}{video.slug}/").status_code == 404


@override_settings(LOCALTV_MAX_SECONDS=1)
def test_a_video_too_long_is_refused(client, channel, member, samples):
    answer = propose(client, member, samples.good)
    assert answer.status_code == 200
    assert "La vidéo dure plus de" in answer.text
    # What was typed is shown again.
    assert PROPOSAL["description"].replace("'", "&#x27;") in answer.text
    assert not VideoPage.objects.exists()


def test_a_text_file_named_mp4_is_refused(client, channel, member, samples):
    answer = propose(client, member, samples.text)
    assert answer.status_code == 200
    assert "n&#x27;est pas une vidéo lisible" in answer.text
    assert not VideoPage.objects.exists()


@override_settings(LOCALTV_MAX_BYTES=1000)
def test_a_video_too_heavy_is_dropped_while_it_arrives(
    client, channel, member, samples
):
    answer = propose(client, member, samples.good)
    assert answer.status_code == 200
    assert "La vidéo est trop lourde" in answer.text
    assert not VideoPage.objects.exists()


def test_unreadable_captions_are_refused(client, channel, member, samples):
    answer = propose(client, member, samples.good, captions=b"pas de sous-titres")
    assert answer.status_code == 200
    assert "aucun sous-titre lisible" in answer.text
    assert not VideoPage.objects.exists()


def test_three_videos_waiting_at_most(client, channel, member, samples):
    for number in range(3):
        assert (
            propose(client, member, samples.good, title=f"V{number}").status_code == 302
        )
    answer = propose(client, member, samples.good, title="Une de trop")
    assert answer.status_code == 200 and "en attente de relecture" in answer.text
    assert VideoPage.objects.count() == 3


def test_a_member_of_another_town_gets_a_404(client, channel, samples, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre.localhost"]
    other_town = make_town("Autre-Ville", hostname="autre.localhost")
    make_channel(other_town)
    stranger = make_member(
        other_town, neighbourhood=NeighbourhoodFactory(town=other_town)
    )
    client.force_login(stranger.user)
    assert client.get(reverse("localtv:propose")).status_code == 404
    assert propose(client, stranger, samples.good).status_code == 404
    assert not VideoPage.objects.exists()
