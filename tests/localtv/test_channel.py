"""The channel page: published videos only, newest first, a captioned player
without autoplay, the TV mode without JavaScript; nothing of another town."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_town
from tests.localtv.conftest import make_channel
from tests.localtv.helpers import publish_video

pytestmark = pytest.mark.django_db


def test_the_channel_lists_published_videos_only_newest_first(
    client, channel, member, samples
):
    first = publish_video(channel, "La première", samples.good, author=member)
    second = publish_video(channel, "La seconde", samples.good, domain="water")
    draft = publish_video(channel, "Pas encore publiée", samples.good, publish=False)
    assert draft.live is False

    page = client.get(channel.url)

    assert page.status_code == 200
    assert "Pas encore publiée" not in page.text
    assert page.text.index("La seconde") < page.text.index("La première")
    assert page.text.count('<video class="player" controls preload="none"') == 2
    assert "autoplay" not in page.text
    assert '<track kind="captions" srclang="fr"' in page.text
    assert f"Proposée par {member.display_name}" in page.text
    assert client.get(first.url).status_code == 200
    assert client.get(f"{channel.url}{draft.slug}/").status_code == 404
    # The TV mode without JavaScript: the chosen video on screen, links to all.
    tv = client.get(f"{channel.url}mode-tele/?video={first.pk}")
    assert tv.status_code == 200
    assert '<h2 id="tv-title" data-tv-title>La première</h2>' in tv.text
    assert f'href="?video={second.pk}"' in tv.text
    assert "js/localtv-tv.js" in tv.text


def test_the_channel_costs_the_same_queries_whatever_its_length(
    client, channel, samples
):
    publish_video(channel, "Une", samples.good)

    tv = f"{channel.url}mode-tele/"

    def queries(url: str = channel.url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries()  # the town's settings and site, cached after a first visit
    few, few_tv = queries(), queries(tv)
    for number in range(4):
        publish_video(channel, f"Vidéo {number}", samples.good)
    assert queries() == few
    assert queries(tv) == few_tv


def test_a_video_of_another_town_is_a_404_here(client, channel, samples, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre.localhost"]
    other_town = make_town("Autre-Ville", hostname="autre.localhost")
    elsewhere = publish_video(make_channel(other_town), "Ailleurs", samples.good)
    # On its own town's site it plays; on this town's site, no such page.
    there = client.get(f"/tele-locale/{elsewhere.slug}/", HTTP_HOST="autre.localhost")
    assert there.status_code == 200
    assert client.get(f"/tele-locale/{elsewhere.slug}/").status_code == 404
    assert "Ailleurs" not in client.get(channel.url).text


def test_the_demo_video_is_published_once_on_a_town_without_a_channel(town):
    from demo.localtv import seed_demo_localtv
    from localtv.models import ChannelPage, VideoPage

    seed_demo_localtv(town)
    seed_demo_localtv(town)

    channel = ChannelPage.objects.child_of(town).get()
    video = VideoPage.objects.child_of(channel).get()
    assert video.live and video.duration_seconds == 5
    assert video.poster.name and video.captions.open().read().startswith(b"WEBVTT")


def test_a_resident_reports_a_residents_video_to_the_moderators(
    client, channel, member, samples
):
    from moderation.models import Report
    from tests.factories import make_member

    author = make_member(member.town, neighbourhood=member.household.neighbourhood)
    video = publish_video(channel, "Mon atelier", samples.good, author=author)
    client.force_login(member.user)
    report_url = f"/signaler/video/{video.pk}/"
    assert f'href="{report_url}' in client.get(video.url).text
    answer = client.post(report_url, {"reason": "off_topic", "text": ""})
    assert answer.status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.object_id) == ("video", video.pk)
