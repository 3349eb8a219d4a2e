"""The local channel in a real browser: a resident proposes a video from a
phone; once published, the « mode télé » on a 1920×1080 screen reads in big
type and the remote's arrows choose the video. axe runs on each page."""

import pytest

from demo.localtv import make_test_pattern
from localtv.models import VideoPage
from tests.browser.support import assert_accessible, expect, login
from tests.factories import PASSWORD, make_member
from tests.localtv.conftest import SRT, make_channel
from tests.localtv.helpers import publish_video

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Le compost du quartier"


def test_a_resident_proposes_a_video_and_the_tv_mode_follows_the_arrows(
    new_context, live_town, live_neighbourhood, asgi_server
):
    from tests.browser.conftest import PHONE

    good = make_test_pattern(seconds=2, size="160x90")

    channel = make_channel(live_town)
    resident = make_member(live_town, neighbourhood=live_neighbourhood)
    phone = new_context(**PHONE).new_page()
    login(phone, asgi_server, resident.user.email, PASSWORD)
    phone.goto("/tele-locale/")
    assert_accessible(phone)
    phone.get_by_role("link", name="Proposer une vidéo").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Proposer une vidéo")
    assert_accessible(phone)
    phone.locator("#id_title").fill(TITLE)
    phone.get_by_label("Description").fill("Trois bacs, un tour par semaine.")
    phone.get_by_label("Domaine").select_option("waste")
    phone.get_by_label("Sous-titres (facultatif)").set_input_files(
        {"name": "sous-titres.srt", "mimeType": "text/plain", "buffer": SRT}
    )
    phone.locator("#id_video").set_input_files(
        {"name": "compost.mp4", "mimeType": "video/mp4", "buffer": good}
    )
    phone.get_by_role("button", name="Envoyer aux modérateurs").click()
    expect(phone.get_by_role("status")).to_contain_text("Merci !")
    proposed = VideoPage.objects.get(title=TITLE)
    assert proposed.live is False and proposed.poster.name and proposed.captions.name

    # Moderators approve it (tests/localtv/test_publication.py goes through
    # the admin); a second, older video is on the channel already.
    publish_video(channel, "L'atelier vélo", good)
    proposed.get_latest_revision().publish()

    tv = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    tv.goto("/tele-locale/mode-tele/")
    assert_accessible(tv)
    size = tv.locator(".tv").evaluate(
        "node => parseFloat(getComputedStyle(node).fontSize)"
    )
    assert size >= 32
    items = tv.locator("[data-tv-item]")
    expect(items).to_have_count(2)
    expect(tv.locator("#tv-title")).to_have_text(TITLE)
    items.nth(0).focus()
    tv.keyboard.press("ArrowRight")
    expect(items.nth(1)).to_be_focused()
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    expect(tv.locator("#tv-title")).to_have_text("L'atelier vélo")
    expect(tv.locator("[data-tv-live]")).to_have_text("Vidéo 2 sur 2 : L'atelier vélo")
    assert tv.locator("#tv-player").evaluate("node => node.paused")
    tv.keyboard.press("ArrowLeft")
    expect(items.nth(0)).to_be_focused()
    expect(tv.locator("#tv-title")).to_have_text(TITLE)
    # Nothing plays by itself, and there is no sound before Enter.
    assert tv.locator("#tv-player").evaluate("node => node.paused && !node.autoplay")
    assert_accessible(tv)

    # Once the viewer plays a video, the channel goes on with the next one at
    # its end, and stops after the page's last. The player's play() is
    # counted: whether this Chromium decodes H.264 does not matter here.
    tv.evaluate(
        """() => {
            window.plays = 0;
            const play = HTMLMediaElement.prototype.play;
            HTMLMediaElement.prototype.play = function () {
                window.plays += 1;
                return play.apply(this, arguments);
            };
        }"""
    )
    tv.keyboard.press("Enter")
    assert tv.evaluate("() => window.plays") == 1
    player = tv.locator("#tv-player")
    player.evaluate("node => node.dispatchEvent(new Event('ended'))")
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    expect(tv.locator("#tv-title")).to_have_text("L'atelier vélo")
    assert tv.evaluate("() => window.plays") == 2
    player.evaluate("node => node.dispatchEvent(new Event('ended'))")
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    assert tv.evaluate("() => window.plays") == 2
