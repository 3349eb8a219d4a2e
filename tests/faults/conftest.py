"""Fixtures of the fault tests (issue 11)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.redis_server import FaultRedis


@pytest.fixture
def fault_redis(tmp_path: Path) -> Iterator[FaultRedis]:
    """A started FaultRedis, killed at the end whatever the test did to it."""
    server = FaultRedis(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.thaw()
    server.kill()
