"""The daily e-mail digest: one e-mail per member instead of one per event."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from notifications.models import Notification

from community.models import Member
from community.towns import base_url, sites_by_town
from feeds.models import NotificationChannel, NotificationPreference


def do_send_digests(now=None) -> int:
    """E-mail each member their unread notifications of the kinds they chose.

    Only kinds set to "e-mail" are sent, each notification once (`emailed`),
    and only from the last day: an old backlog is not dumped into a mailbox.
    Returns how many e-mails were sent.
    """
    now = now or timezone.now()
    wanted: dict[int, set[str]] = {}
    for member_id, kind in NotificationPreference.objects.filter(
        channel=NotificationChannel.EMAIL
    ).values_list("member_id", "kind"):
        wanted.setdefault(member_id, set()).add(kind)
    sent = 0
    members = list(Member.objects.filter(pk__in=wanted).select_related("user", "town"))
    # Each member's links on their own town's hostname (one query for all).
    sites = sites_by_town({member.town_id for member in members})
    for member in members:
        if not member.user.email:
            continue
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update()
                .filter(
                    recipient_id=member.user_id,
                    unread=True,
                    emailed=False,
                    deleted=False,
                    verb__in=wanted[member.pk],
                    timestamp__gte=now - timedelta(days=1),
                )
                .order_by("timestamp")
            )
            if not rows:
                continue
            with translation.override(member.preferred_language):
                body = render_to_string(
                    "feeds/email/digest.txt",
                    {
                        "member": member,
                        "notifications": rows,
                        "base_url": base_url(member.town, sites.get(member.town_id)),
                    },
                )
                subject = _("%(town)s : vos nouvelles du jour") % {
                    "town": member.town.title
                }
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                emailed=True
            )
            # Sent inside the transaction: a failure leaves the rows un-emailed
            # for the next run rather than marking unsent news as sent.
            send_mail(subject, body, None, [member.user.email])
            sent += 1
    return sent
