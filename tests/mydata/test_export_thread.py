"""The web process builds an archive in a thread started after commit."""

import time

import pytest

from mydata.actions import exports
from mydata.models import DataExport, ExportState
from tests.factories import make_member


@pytest.mark.django_db(transaction=True)
def test_thread_started_after_commit_builds_the_archive(town, neighbourhood):
    member = make_member(town, neighbourhood=neighbourhood)
    # Autocommit: the request's transaction commits, then the thread starts.
    export = exports.check_request_export(member)
    deadline = time.monotonic() + 60
    state = ExportState.PENDING
    while time.monotonic() < deadline:
        state = DataExport.objects.get(pk=export.pk).state
        if state in (ExportState.READY, ExportState.FAILED):
            break
        time.sleep(0.2)
    assert state == ExportState.READY
    assert DataExport.objects.get(pk=export.pk).size > 0
