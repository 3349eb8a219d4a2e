"""The demo town's local channel: one short video made by the project.

ffmpeg draws a test pattern with a tone (no footage of anyone), and a French
WebVTT file captions it; the video goes through the same checks and poster
frame as a resident's (localtv.media), then is published. Without ffmpeg the
step says so and skips the video: `make run` installs it.
"""

import shutil
import subprocess  # noqa: S404 - ffmpeg with fixed arguments, no shell
import sys
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile

from community.models import TownPage

VIDEO_SLUG = "mire-de-la-tele-locale"
CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:02.500
Bienvenue sur la télé locale de Val-de-Lys !

00:00:02.500 --> 00:00:05.000
Proposez vos vidéos : un geste, un atelier, un projet de quartier.
"""
# One pattern per process: seeding twice (tests) encodes it once.
_patterns: dict[tuple[int, str], bytes] = {}


def make_test_pattern(seconds: int = 5, size: str = "640x360") -> bytes:
    """An MP4 (H.264 + AAC) test pattern with a 440 Hz tone; needs ffmpeg."""
    key = (seconds, size)
    if key not in _patterns:
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            raise FileNotFoundError("ffmpeg")
        with tempfile.TemporaryDirectory(prefix="localtv-demo-") as folder:
            target = Path(folder) / "pattern.mp4"
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    ffmpeg,
                    "-nostdin",
                    "-v",
                    "error",
                    "-f",
                    "lavfi",
                    "-i",
                    f"testsrc=duration={seconds}:size={size}:rate=25",
                    "-f",
                    "lavfi",
                    "-i",
                    f"sine=frequency=440:duration={seconds}",
                    "-c:v",
                    "libx264",
                    "-preset",
                    "veryfast",
                    "-pix_fmt",
                    "yuv420p",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "48k",
                    "-shortest",
                    "-movflags",
                    "+faststart",
                    str(target),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            _patterns[key] = target.read_bytes()
    return _patterns[key]


def seed_demo_localtv(town: TownPage) -> None:
    """The town's channel page (on a database seeded before it existed) and
    its one published video, once."""
    from localtv import media
    from localtv.models import ChannelPage, VideoPage
    from localtv.wagtail_hooks import new_channel

    channel = ChannelPage.objects.child_of(town).first()
    if channel is None:
        channel = town.add_child(instance=new_channel())
    if VideoPage.objects.child_of(channel).filter(slug=VIDEO_SLUG).exists():
        return
    try:
        data = make_test_pattern()
    except (FileNotFoundError, subprocess.SubprocessError):
        sys.stderr.write(
            "La télé locale de démonstration est vide : ffmpeg manque "
            "(make run l'installe).\n"
        )
        return
    with tempfile.NamedTemporaryFile(suffix=".mp4") as copy:
        copy.write(data)
        copy.flush()
        info = media.check_video(copy.name)
        poster = media.make_poster(copy.name, info.duration)
    video = VideoPage(
        title="La mire de la télé locale",
        slug=VIDEO_SLUG,
        description=(
            "Une mire et un son de test, faits par l'équipe du projet : la "
            "télé locale attend vos vidéos."
        ),
        duration_seconds=round(info.duration),
    )
    video.video.save(f"video{info.extension}", ContentFile(data), save=False)
    video.poster.save("poster.jpg", ContentFile(poster), save=False)
    video.captions.save("captions.vtt", ContentFile(CAPTIONS.encode()), save=False)
    channel.add_child(instance=video)
    video.save_revision().publish()
