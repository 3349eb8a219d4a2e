from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from community import roles
from localtv.models import ChannelPage
from localtv.wagtail_hooks import new_channel
from tests.factories import make_staff

SRT = b"""1
00:00:00,000 --> 00:00:01,500
Bonjour les voisins !

2
00:00:01,500 --> 00:00:02,000
On isole la porte.
"""


@dataclass(frozen=True)
class Samples:
    good: bytes  # a 2 s MP4 (H.264 + AAC), 160x90
    text: bytes  # a text file, to be sent as "video.mp4"


@pytest.fixture(scope="session")
def samples() -> Samples:
    """Made once per test session with ffmpeg (demo.localtv's pattern)."""
    from demo.localtv import make_test_pattern

    return Samples(
        good=make_test_pattern(seconds=2, size="160x90"),
        text=b"Ceci n'est pas une video.\n" * 20,
    )


def make_channel(town) -> ChannelPage:
    channel = new_channel()
    town.add_child(instance=channel)
    channel.save_revision().publish()
    return channel


@pytest.fixture
def channel(town) -> ChannelPage:
    return make_channel(town)


@pytest.fixture
def moderator(town) -> User:
    return make_staff(town, roles.MODERATOR)
