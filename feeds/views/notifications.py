"""The notification centre and the member's notification preferences."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.views import member_required
from community.models import Member
from feeds import actions
from feeds.forms import PreferencesForm
from feeds.models import NotificationPreference
from feeds.queries.notifications import notification_groups
from push.queries import push_settings


@member_required
def centre(request: HttpRequest, viewer: Member) -> HttpResponse:
    return render(
        request,
        "feeds/notifications.html",
        {"viewer": viewer, "groups": notification_groups(viewer)},
    )


@require_POST
@member_required
def mark_read(request: HttpRequest, viewer: Member) -> HttpResponse:
    ids = [value for value in request.POST.getlist("id") if value.isdigit()]
    if request.POST.get("all"):
        actions.do_mark_all_notifications_read(viewer)
    for value in ids[:100]:
        actions.do_mark_notification_read(viewer, int(value))
    target = request.POST.get("go", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("feeds:notifications")


@member_required
def preferences(request: HttpRequest, viewer: Member) -> HttpResponse:
    current = dict(
        NotificationPreference.objects.filter(member=viewer).values_list(
            "kind", "channel"
        )
    )
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        actions.do_set_notification_preferences(viewer, form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("feeds:notification_preferences")
    return render(
        request,
        "feeds/notification_preferences.html",
        {"form": form, "viewer": viewer, "push": push_settings(viewer)},
    )
