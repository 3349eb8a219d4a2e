"""Fixtures of the push tests: the local push service emulator, members."""

from collections.abc import Iterator

import pytest

from tests.factories import make_member
from tests.support.push_emulator import PushEmulator, emulator_for_tests


@pytest.fixture(scope="session")
def push_emulator() -> Iterator[PushEmulator]:
    with emulator_for_tests() as emulator:
        yield emulator


@pytest.fixture
def neighbour(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Bruno C.")
