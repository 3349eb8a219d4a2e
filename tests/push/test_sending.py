"""The after-commit hand-over: nothing on rollback, the background dispatcher
off the committing thread, merging the batches that wait."""

import threading

import pytest
from django.db import transaction

from push import sending


def test_a_rolled_back_action_pushes_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            sending.push_after_commit([(1, "message", {})], lambda data: "")
            raise RuntimeError
        # Verbs that push nothing queue nothing either.
        sending.push_after_commit([(1, "reaction", {})], lambda data: "")
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        sending.push_after_commit([(1, "grid_alert", {})], lambda data: "")
    assert len(callbacks) == 1


def test_the_dispatcher_sends_off_the_committing_thread(settings, monkeypatch):
    settings.SMARTCITIZEN = {**settings.SMARTCITIZEN, "PUSH_INLINE": False}
    seen: list[tuple[str, list]] = []
    release, done = threading.Event(), threading.Event()

    def fake_deliver(batch: list, excerpt) -> None:
        release.wait(5)
        seen.append((threading.current_thread().name, batch))
        if sum(len(b) for _name, b in seen) == 3:
            done.set()

    monkeypatch.setattr(sending, "deliver", fake_deliver)
    for user_id in (1, 2, 3):
        sending._dispatch([(user_id, "grid_alert", {})], lambda data: "")
    release.set()
    assert done.wait(5)
    assert {name for name, _batch in seen} == {"push-dispatcher"}
    # The first batch may be taken alone; those waiting behind it go together.
    assert len(seen) <= 2
    assert [item[0] for _name, batch in seen for item in batch] == [1, 2, 3]
