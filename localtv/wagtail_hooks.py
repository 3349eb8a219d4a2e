"""The local channel in the Wagtail admin: a new town gets its channel page;
publishing a video without captions is refused with a message."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages

from localtv.models import ChannelPage, VideoPage


@hooks.register("smartcitizen_town_tree")
def add_channel(town) -> None:
    """A new town's « La télé locale » page (community.new_town)."""
    town.add_child(instance=new_channel())


def new_channel() -> ChannelPage:
    return ChannelPage(
        title="La télé locale",
        slug="tele-locale",
        intro="<p>Les courtes vidéos des habitants : un geste filmé chez soi, un "
        "atelier, un projet de quartier.</p>",
        title_en="The local channel",
        intro_en="<p>Residents' short videos: a tip filmed at home, a workshop, "
        "a neighbourhood project.</p>",
    )


@hooks.register("before_publish_page")
def refuse_video_without_captions(request: HttpRequest, page) -> HttpResponse | None:
    """The admin's « Publier » on a video without captions: back to the editor
    with why (VideoPage.publish refuses every other way to publish)."""
    if isinstance(page, VideoPage) and not page.captions:
        messages.error(
            request,
            _(
                "Publication refusée : ajoutez d'abord le fichier de sous-titres "
                "(WebVTT) de la vidéo. Le brouillon est enregistré."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_edit_page")
def warn_of_missing_captions(request: HttpRequest, page) -> None:
    """Opening a video without captions says, before anyone tries, that it
    cannot be published (an approval in the workflow would be refused too)."""
    if request.method != "GET" or not isinstance(page, VideoPage):
        return
    if not page.get_latest_revision_as_object().captions:
        messages.warning(
            request,
            _(
                "Cette vidéo n'a pas encore de sous-titres : ajoutez un fichier "
                "WebVTT (.vtt) ou SubRip (.srt) avant de la publier ou de "
                "l'approuver, sinon la publication sera refusée."
            ),
        )
