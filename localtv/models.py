"""The local channel: one channel page per town, its residents' short videos."""

import secrets

from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from community.domains import Domain
from community.index_pages import TownIndexPage
from community.models import Member
from localtv.forms import VideoPageForm

VIDEOS_PER_PAGE = 12
# The container a checked video is stored as, and the MIME type of its <source>.
MIME_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def _random_name(folder: str, filename: str) -> str:
    # Never the uploader's name: a random one, with the extension our checks
    # chose (localtv.media), so that a name says nothing and guesses nothing.
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"localtv/{folder}/{secrets.token_urlsafe(18)}{extension}"


def video_path(instance: models.Model, filename: str) -> str:
    return _random_name("videos", filename)


def poster_path(instance: models.Model, filename: str) -> str:
    return _random_name("posters", filename)


def captions_path(instance: models.Model, filename: str) -> str:
    return _random_name("captions", filename)


class CaptionsMissing(PermissionDenied):
    """Publishing a video without its captions file is refused."""


class ChannelPage(RoutablePageMixin, TownIndexPage):
    """« La télé locale » of a town: its published videos, and the TV mode."""

    subpage_types = ["localtv.VideoPage"]

    class Meta:
        verbose_name = _("chaîne locale")
        verbose_name_plural = _("chaînes locales")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from localtv import queries

        context = super().get_context(request, *args, **kwargs)
        videos = Paginator(queries.published_videos(self), VIDEOS_PER_PAGE)
        context["videos"] = videos.get_page(request.GET.get("page"))
        return context

    @path("")
    def list_view(self, request):
        return self.render(request)

    @path("mode-tele/", name="tv")
    def tv_view(self, request):
        # The video on screen: the one chosen in the list (?video=, how the
        # page works without JavaScript), else the newest of the page.
        context = self.get_context(request)
        videos = list(context["videos"].object_list)
        chosen = request.GET.get("video", "")
        current = next((v for v in videos if str(v.pk) == chosen), None)
        return self.render(
            request,
            template="localtv/channel_tv.html",
            context_overrides={"current": current or (videos[0] if videos else None)},
        )


class VideoPage(Page):
    """A short video of a resident (or of the team), published with its captions."""

    description = models.TextField(_("description"), max_length=1000)
    domain = models.CharField(
        _("domaine"), max_length=20, choices=Domain.choices, blank=True
    )
    video = models.FileField(
        _("fichier vidéo"),
        upload_to=video_path,
        max_length=200,
        validators=[FileExtensionValidator(["mp4", "webm"])],
        help_text=_("MP4 (H.264 et AAC) ou WebM (VP8/VP9 et Opus), 5 minutes au plus."),
    )
    poster = models.ImageField(
        _("image d'aperçu"), upload_to=poster_path, max_length=200, blank=True
    )
    captions = models.FileField(
        _("sous-titres (WebVTT)"),
        upload_to=captions_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
        help_text=_("Obligatoires pour publier : un fichier .vtt en français."),
    )
    duration_seconds = models.PositiveIntegerField(_("durée (secondes)"), default=0)
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="videos",
        help_text=_("L'habitant qui a proposé la vidéo."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("domain"), FieldPanel("author")]),
        MultiFieldPanel(
            [
                FieldPanel("video"),
                FieldPanel("captions"),
                FieldPanel("poster"),
                FieldPanel("duration_seconds", read_only=True),
            ],
            heading=_("Fichiers"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.FilterField("domain"),
    ]
    parent_page_types = ["localtv.ChannelPage"]
    subpage_types: list[str] = []
    base_form_class = VideoPageForm

    class Meta:
        verbose_name = _("vidéo")
        verbose_name_plural = _("vidéos")

    @property
    def mime_type(self) -> str:
        name = self.video.name or ""
        return MIME_TYPES.get(name[name.rfind(".") :].lower(), "video/mp4")

    @property
    def duration_label(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"

    def publish(self, revision, *args, **kwargs):
        """Every way to publish (admin, workflow approval, schedule) comes here:
        a video goes live only with its captions file."""
        if not revision.as_object().captions:
            raise CaptionsMissing(
                gettext(
                    "Publication refusée : ajoutez d'abord le fichier de "
                    "sous-titres (WebVTT) de la vidéo."
                )
            )
        return super().publish(revision, *args, **kwargs)
