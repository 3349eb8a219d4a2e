"""apply_retention: old events, read notifications and expired archives go."""

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone
from notifications.models import Notification

from mydata.actions import exports
from mydata.models import DataExport
from realtime.models import Event
from realtime.publish import publish

pytestmark = pytest.mark.django_db


def test_apply_retention_purges_what_is_past_its_time(
    footprint, settings, capsys, django_capture_on_commit_callbacks
):
    settings.MYDATA = {"READ_NOTIFICATION_RETENTION_DAYS": 30, "EXPORT_VALID_DAYS": 7}
    anne = footprint.member
    notifications = Notification.objects.filter(recipient=anne.user)
    old_read, old_unread = notifications[0], notifications[1]
    long_ago = timezone.now() - timedelta(days=31)
    Notification.objects.filter(pk=old_read.pk).update(unread=False, timestamp=long_ago)
    Notification.objects.filter(pk=old_unread.pk).update(timestamp=long_ago)
    kept_count = notifications.count() - 1

    expired = exports.do_build_export(exports.check_request_export(anne).pk)
    DataExport.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    fresh = DataExport.objects.create(member=anne)

    old_event = publish("town:999999", "test.old", {})
    Event.objects.filter(pk=old_event.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    recent_event = publish("town:999999", "test.recent", {})

    # Files go once the deletion commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention")

    assert not Notification.objects.filter(pk=old_read.pk).exists()
    assert Notification.objects.filter(pk=old_unread.pk).exists()
    assert notifications.count() == kept_count
    assert not DataExport.objects.filter(pk=expired.pk).exists()
    assert not storages["exports"].exists(expired.file_name)
    assert DataExport.objects.filter(pk=fresh.pk).exists()
    assert not Event.objects.filter(pk=old_event.pk).exists()
    assert Event.objects.filter(pk=recent_event.pk).exists()
    out = capsys.readouterr().out
    assert "1 notification(s) lue(s)" in out and "1 archive(s) expirée(s)" in out
