"""Two senders of pending actions at once: a locked row is skipped, never sent twice.

Transactional: the row lock has to be held by another connection (a thread).
"""

import socket
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings

from challenges import actions
from challenges.models import ActionStatus, LoggedAction
from scoring.models import LedgerEntry
from tests.challenges.conftest import log

pytestmark = pytest.mark.django_db(transaction=True)


def closed_core():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/scoring/v1/"
    return override_settings(SCORING_CORE_URL=url, SCORING_CORE_TOKEN="t" * 32)


def test_a_row_another_sender_holds_is_skipped(participant, challenge, action_type):
    with closed_core():
        held = log(participant, challenge, action_type).action
        free = log(participant, challenge, action_type).action
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_sender() -> None:
        try:
            with transaction.atomic():
                LoggedAction.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_sender)
    thread.start()
    try:
        assert locked.wait(10)
        report = actions.do_send_pending_actions()
    finally:
        release.set()
        thread.join(10)
    # The held row was skipped (the other sender has it), the free one sent.
    assert report.sent == 1
    statuses = dict(LoggedAction.objects.values_list("pk", "status"))
    assert statuses == {held.pk: ActionStatus.PENDING, free.pk: ActionStatus.COUNTED}
    assert LedgerEntry.objects.count() == 1
    assert done.is_set()
    # Once released, the next run sends it; a third run finds nothing.
    assert actions.do_send_pending_actions().sent == 1
    assert actions.do_send_pending_actions().sent == 0
    assert LedgerEntry.objects.count() == 2
