"""`manage.py prune_events`: old events go, the streams remember what they lost."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from realtime.groups import town_stream, user_stream
from realtime.models import Event, Stream
from realtime.publish import publish
from realtime.queries import latest_event_id, replay_since

pytestmark = pytest.mark.django_db


def publish_aged(stream: str, days: float) -> Event:
    with transaction.atomic():
        event = publish(stream, "post.created", {})
    Event.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return event


def test_events_older_than_the_retention_are_deleted(member):
    town = town_stream(member.town_id)
    private = user_stream(member.user_id)
    old_town = [publish_aged(town, 10), publish_aged(town, 8)]
    kept_town = publish_aged(town, 6)
    old_private = publish_aged(private, 30)

    call_command("prune_events", verbosity=0)

    assert list(Event.objects.values_list("pk", flat=True)) == [kept_town.pk]
    assert Stream.objects.get(name=town).pruned_through_id == old_town[-1].pk
    assert Stream.objects.get(name=private).pruned_through_id == old_private.pk
    # The private stream is empty but still knows its position.
    assert latest_event_id(private) == old_private.pk
    assert latest_event_id(town) == kept_town.pk


def test_the_retention_is_a_setting_and_an_option(member):
    stream = town_stream(member.town_id)
    event = publish_aged(stream, 3)

    with override_settings(SMARTCITIZEN={"EVENT_RETENTION_DAYS": 7}):
        call_command("prune_events", verbosity=0)
    assert Event.objects.filter(pk=event.pk).exists()
    with override_settings(SMARTCITIZEN={"EVENT_RETENTION_DAYS": 2}):
        call_command("prune_events", verbosity=0)
    assert not Event.objects.filter(pk=event.pk).exists()

    again = publish_aged(stream, 1.5)
    call_command("prune_events", days=1, verbosity=0)
    assert not Event.objects.filter(pk=again.pk).exists()
    with pytest.raises(CommandError):
        call_command("prune_events", days=-1, verbosity=0)


def test_pruning_twice_never_moves_a_stream_back(member):
    stream = town_stream(member.town_id)
    old = publish_aged(stream, 9)
    call_command("prune_events", verbosity=0)
    call_command("prune_events", verbosity=0)

    assert Stream.objects.get(name=stream).pruned_through_id == old.pk


def test_replay_tells_who_missed_pruned_events_to_reload(member):
    stream = town_stream(member.town_id)
    first, second = publish_aged(stream, 9), publish_aged(stream, 9)
    recent = publish_aged(stream, 0)
    call_command("prune_events", verbosity=0)

    missed = replay_since(stream, first.pk, limit=100)
    assert (missed.reload, missed.reload_id, missed.events) == (True, recent.pk, [])
    caught_up = replay_since(stream, second.pk, limit=100)
    assert (caught_up.reload, caught_up.events) == (False, [recent])
    # Subscribing without `since` asks for live events only.
    assert replay_since(stream, None, limit=100).events == []
