"""Two registrations at once for the last place: one gets it, one waits."""

import threading

import pytest
from django.db import connection

from events.actions import check_register
from events.models import Registration, RegistrationStatus
from tests.events.helpers import make_event, make_event_index
from tests.factories import NeighbourhoodFactory, make_member, make_town


@pytest.fixture(scope="module", autouse=True)
def _migrated_rows_restored(django_db_setup, django_db_blocker):
    """Put back the migrated rows after the flush that ends this test, as
    tests/browser/conftest.py does: a `--reuse-db` run starts from them."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_registrations_never_overbook():
    town = make_town("Concurrence")
    neighbourhood = NeighbourhoodFactory(town=town)
    event = make_event(make_event_index(town), capacity=1)
    members = [make_member(town, neighbourhood=neighbourhood) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def attempt(member) -> None:
        try:
            barrier.wait(timeout=10)
            check_register(member, event, 1)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
