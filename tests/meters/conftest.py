"""Fixtures of the meters tests: a household member, a core that is down."""

import socket
from collections.abc import Iterator

import pytest
from django.test import override_settings

from community.models import Member
from scoring import transport
from tests.factories import make_member


def closed_core() -> override_settings:
    """A remote core on a port nothing listens on: every call is unavailable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/scoring/v1/"
    return override_settings(SCORING_CORE_URL=url, SCORING_CORE_TOKEN="t" * 32)


@pytest.fixture(autouse=True)
def _closed_breaker() -> Iterator[None]:
    """Each test starts with the client's circuit breaker closed, and leaves it so."""
    transport.reset_breaker()
    yield
    transport.reset_breaker()


@pytest.fixture
def housemate(town, member) -> Member:
    """A second member of the same household."""
    return make_member(town, household=member.household)


@pytest.fixture
def stranger(town, neighbourhood) -> Member:
    return make_member(town, neighbourhood=neighbourhood)
