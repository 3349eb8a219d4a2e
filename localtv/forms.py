from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from community.domains import Domain
from localtv import media


class VideoProposalForm(forms.Form):
    """What a resident sends: a title, a few words, the video, its captions."""

    title = forms.CharField(label=_("Titre"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que l'on voit, où et pourquoi (quelques phrases)."),
    )
    domain = forms.ChoiceField(
        label=_("Domaine"),
        required=False,
        choices=[("", _("Aucun en particulier")), *Domain.choices],
    )
    captions = forms.FileField(
        label=_("Sous-titres (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,.srt,text/vtt"}),
        help_text=_(
            "Un fichier WebVTT (.vtt) ou SubRip (.srt). Sans eux, les modérateurs "
            "les ajouteront avant de publier : une vidéo n'est publiée qu'avec "
            "ses sous-titres."
        ),
    )
    video = forms.FileField(
        label=_("Vidéo"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "video/mp4,video/webm,video/quicktime"}
        ),
        help_text=_(
            "MP4 (H.264 et AAC) ou WebM (VP8/VP9 et Opus), 5 minutes au plus, "
            "%(megabytes)s Mo au plus."
        ),
    )

    def __init__(self, *args, max_megabytes: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].help_text = self.fields["video"].help_text % {
            "megabytes": max_megabytes
        }


class VideoPageForm(WagtailAdminPageForm):
    """The admin's form of a video: a moderator's new file is checked as a
    resident's is (ffprobe, size, duration) and gets its poster; captions in
    SRT become WebVTT."""

    def clean_captions(self):
        captions = self.cleaned_data.get("captions")
        if isinstance(captions, UploadedFile):
            text = media.captions_text(captions.read(media.MAX_CAPTIONS_BYTES + 1))
            return ContentFile(text.encode(), name="captions.vtt")
        return captions

    def clean_video(self):
        video = self.cleaned_data.get("video")
        self.checked = None
        if isinstance(video, UploadedFile):
            from localtv.actions import check_video_size, on_disk

            check_video_size(video.size)
            with on_disk(video) as path:
                info = media.check_video(path)
                self.checked = (info, media.make_poster(path, info.duration))
        return video

    def save(self, commit=True):
        page = super().save(commit=False)
        if getattr(self, "checked", None):
            info, poster = self.checked
            page.duration_seconds = round(info.duration)
            if not isinstance(self.cleaned_data.get("poster"), UploadedFile):
                page.poster.save("poster.jpg", ContentFile(poster), save=False)
        if commit:
            page.save()
        return page
