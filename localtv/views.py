"""The proposal form: parse, authorise, call the action, answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from common.views import member_required
from community.models import Member
from localtv import actions
from localtv.forms import VideoProposalForm
from localtv.queries import channel_for_town
from localtv.uploads import max_bytes


@member_required
def propose(request: HttpRequest, member: Member) -> HttpResponse:
    # The body was parsed before any view (config.badinput): a video past
    # LOCALTV_MAX_BYTES was dropped on the way by SizeLimitUploadHandler.
    channel = channel_for_town(member.town)
    if channel is None:
        raise Http404
    megabytes = max_bytes() // (1024 * 1024)
    if request.method == "POST":
        form = VideoProposalForm(request.POST, request.FILES, max_megabytes=megabytes)
        too_big = any(
            getattr(handler, "too_big", False) for handler in request.upload_handlers
        )
        if too_big:
            form.is_valid()
            form.errors.pop("video", None)
            form.add_error(
                "video",
                _("La vidéo est trop lourde : %(megabytes)d Mo au plus.")
                % {"megabytes": megabytes or 1},
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                actions.check_propose_video(
                    member,
                    channel,
                    title=data["title"],
                    description=data["description"],
                    domain=data["domain"],
                    video=data["video"],
                    captions=data["captions"],
                )
            except ValidationError as error:
                form.add_error(_field_of(error.code or ""), error)
            else:
                messages.success(
                    request,
                    _(
                        "Merci ! Votre vidéo est envoyée aux modérateurs ; vous "
                        "serez prévenu de leur réponse."
                    ),
                )
                return redirect(channel.url)
    else:
        form = VideoProposalForm(max_megabytes=megabytes)
    return TemplateResponse(
        request,
        "localtv/video_proposal.html",
        {"page": channel, "form": form, "max_minutes": 5},
    )


def _field_of(code: str) -> str | None:
    """The form field a refusal is about, to show it there."""
    if code.startswith("captions"):
        return "captions"
    if code in ("format", "not_a_video", "too_long", "too_big"):
        return "video"
    return None
