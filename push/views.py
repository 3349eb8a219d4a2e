"""The devices page, the JSON registration the page's script calls, removal
and the push preferences form (shown on feeds' notification preferences)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import Member
from community.towns import member_required, town_member
from config import ratelimit
from push import actions, queries
from push.forms import PushPreferencesForm
from push.sending import enabled

BODY_MAX_BYTES = 8192


def _error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@member_required
def devices(request: HttpRequest, viewer: Member) -> HttpResponse:
    return render(
        request,
        "push/devices.html",
        {"viewer": viewer, "devices": queries.devices_of(viewer)},
    )


@require_POST
@member_required
def remove_device(request: HttpRequest, viewer: Member, device_id: int) -> HttpResponse:
    if not actions.do_remove_device(viewer, device_id):
        raise Http404
    messages.success(request, _("L'appareil ne recevra plus de notifications."))
    return redirect("push:devices")


@require_POST
@member_required
def preferences(request: HttpRequest, viewer: Member) -> HttpResponse:
    form = PushPreferencesForm(request.POST)
    if form.is_valid():
        actions.do_set_push_preferences(viewer, form.cleaned_data)
        messages.success(request, _("Vos préférences push sont enregistrées."))
    return redirect("feeds:notification_preferences")


@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    """Register this browser's PushSubscription for the signed-in member."""
    viewer = town_member(request) if request.user.is_authenticated else None
    if viewer is None:
        return _error(
            "forbidden", _("Connectez-vous pour recevoir des notifications."), 403
        )
    if not enabled():
        return _error(
            "push_disabled", _("Ce site n'envoie pas de notifications push."), 404
        )
    retry_after = ratelimit.hit("push_subscribe", f"member:{viewer.pk}")
    if retry_after:
        return ratelimit.too_many_requests_json(retry_after)
    # A form's body may have been read as a form (the CSRF check does):
    # only JSON is read here, and its body read once.
    if request.content_type != "application/json":
        return _error("bad_request", _("Abonnement illisible."))
    if len(request.body) > BODY_MAX_BYTES:
        return _error("bad_request", _("Abonnement trop long."))
    try:
        body = json.loads(request.body)
        keys = body["keys"]
        endpoint, p256dh, auth = body["endpoint"], keys["p256dh"], keys["auth"]
    except (ValueError, KeyError, TypeError):
        return _error("bad_request", _("Abonnement illisible."))
    try:
        device, created = actions.check_register_device(
            viewer,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=request.headers.get("User-Agent", "")[:500],
        )
    except ValidationError as error:
        return _error(error.code or "invalid", error.messages[0])
    return JsonResponse(
        {"device": {"id": device.pk, "browser": device.browser}},
        status=201 if created else 200,
    )
