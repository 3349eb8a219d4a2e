"""ffprobe and ffmpeg (Debian's), run on a file already on disk: what a video
is, whether the channel accepts it, its poster frame; and captions files.

Each program runs without a shell, with a fixed argument list and a timeout;
the file's path is the only outside input and comes after `-i` or as the last
argument, never as an option.
"""

import json
import re
import shutil
import subprocess  # noqa: S404 - ffprobe/ffmpeg with fixed arguments, no shell
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DURATION_SECONDS = 5 * 60
PROBE_TIMEOUT = 30
POSTER_TIMEOUT = 60
MAX_CAPTIONS_BYTES = 512 * 1024

# What browsers play natively (docs/localtv.md): MP4 with H.264 video and AAC
# sound, or WebM with VP8/VP9 video and Opus/Vorbis sound. A video without a
# sound track is accepted.
CONTAINERS = {
    "mp4": (".mp4", {"h264"}, {"aac"}),
    "webm": (".webm", {"vp8", "vp9"}, {"opus", "vorbis"}),
}


@dataclass(frozen=True)
class VideoInfo:
    extension: str
    duration: float
    width: int
    height: int


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ValidationError(
            _(
                "Le serveur ne peut pas vérifier les vidéos pour l'instant "
                "(%(program)s manque) : réessayez plus tard."
            )
            % {"program": name},
            code="ffmpeg_missing",
        )
    return path


def _unreadable() -> ValidationError:
    return ValidationError(
        _(
            "Ce fichier n'est pas une vidéo lisible. Envoyez un MP4 (H.264 et AAC) "
            "ou un WebM (VP8/VP9 et Opus)."
        ),
        code="not_a_video",
    )


def _run(arguments: list[str], timeout: int) -> subprocess.CompletedProcess:
    """Run ffprobe or ffmpeg; a file that makes it hang is not a video of ours."""
    try:
        return subprocess.run(  # noqa: S603 - fixed arguments, no shell
            arguments, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise _unreadable() from error


def probe(path: str) -> dict:
    """ffprobe's JSON description of a file (format and streams)."""
    result = _run(
        [
            _program("ffprobe"),
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "--",
            path,
        ],
        PROBE_TIMEOUT,
    )
    if result.returncode != 0:
        raise _unreadable()
    try:
        return json.loads(result.stdout or b"{}")
    except ValueError as error:
        raise _unreadable() from error


def check_video(path: str) -> VideoInfo:
    """The video's container, codecs and duration, or a ValidationError in French."""
    description = probe(path)
    format_names = set(
        (description.get("format") or {}).get("format_name", "").split(",")
    )
    streams = description.get("streams") or []
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video"
        and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    if not videos:
        raise _unreadable()
    video_codec = videos[0].get("codec_name", "")
    audio_codecs = {s.get("codec_name", "") for s in audios}
    extension = next(
        (
            extension
            for name, (extension, video_codecs, sound_codecs) in CONTAINERS.items()
            if name in format_names
            and video_codec in video_codecs
            and audio_codecs <= sound_codecs
        ),
        None,
    )
    if extension is None:
        raise ValidationError(
            _(
                "Format non accepté (%(codec)s) : envoyez un MP4 (H.264 et AAC) ou "
                "un WebM (VP8/VP9 et Opus), que tous les navigateurs lisent."
            )
            % {"codec": video_codec or "?"},
            code="format",
        )
    try:
        duration = float((description.get("format") or {}).get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise _unreadable()
    if duration > max_duration():
        raise ValidationError(
            _("La vidéo dure plus de %(minutes)s minutes : raccourcissez-la.")
            % {"minutes": _minutes(max_duration())},
            code="too_long",
        )
    return VideoInfo(
        extension=extension,
        duration=duration,
        width=int(videos[0].get("width") or 0),
        height=int(videos[0].get("height") or 0),
    )


def max_duration() -> float:
    from django.conf import settings

    return float(getattr(settings, "LOCALTV_MAX_SECONDS", MAX_DURATION_SECONDS))


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g}" if minutes >= 1 else f"{minutes:.2f}".rstrip("0")


def make_poster(path: str, duration: float) -> bytes:
    """A JPEG of the frame at 1 s (or at 10 % of a shorter video)."""
    at = 1.0 if duration > 2 else duration / 10
    with tempfile.TemporaryDirectory(prefix="localtv-") as folder:
        target = Path(folder) / "poster.jpg"
        result = _run(
            [
                _program("ffmpeg"),
                "-nostdin",
                "-v",
                "error",
                "-ss",
                f"{at:.2f}",
                "-i",
                path,
                "-frames:v",
                "1",
                "-vf",
                "scale='min(1280,iw)':-2",
                "-q:v",
                "4",
                str(target),
            ],
            POSTER_TIMEOUT,
        )
        if result.returncode != 0 or not target.exists():
            raise _unreadable()
        return target.read_bytes()


_SRT_TIME = re.compile(r"(\d{1,2}:\d{2}:\d{2}),(\d{3})")
_VTT_CUE = re.compile(r"\d{1,2}:\d{2}(:\d{2})?\.\d{3}\s+-->\s+")


def captions_text(data: bytes) -> str:
    """WebVTT text of an uploaded captions file: WebVTT as is, SRT converted."""
    if len(data) > MAX_CAPTIONS_BYTES:
        raise ValidationError(
            _("Le fichier de sous-titres est trop lourd (512 Ko au plus)."),
            code="captions_size",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("Le fichier de sous-titres doit être en texte UTF-8."),
            code="captions_encoding",
        ) from error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith("WEBVTT"):
        # SubRip (.srt): same cues, a comma before the milliseconds, no header.
        text = "WEBVTT\n\n" + _SRT_TIME.sub(r"\1.\2", text.strip()) + "\n"
    if not _VTT_CUE.search(text):
        raise ValidationError(
            _(
                "Ce fichier de sous-titres n'a aucun sous-titre lisible : envoyez "
                "un fichier WebVTT (.vtt) ou SubRip (.srt)."
            ),
            code="captions_format",
        )
    return text
