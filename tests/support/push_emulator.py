"""The local push service emulator (npm `web-push-testing`), one per test process.

It hands out subscriptions with real keys (/subscribe, given our VAPID public
key), checks each push's VAPID token, decrypts it with the subscription's keys
and keeps the plaintext (/get-notifications); /expire-subscription makes it
answer 410. Its server script is run directly on a free port (the package's
CLI would detach it and keep a pid file in the working directory).
"""

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings

from tests.support.redis_server import free_port

SERVER = (
    Path(__file__).resolve().parents[1]
    / "browser/node_modules/web-push-testing/src/bin/server.js"
)


class PushEmulator:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def _post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.http.post(f"{self.base}{path}", json=body or {}, timeout=10)

    def subscribe(self) -> dict:
        """A new subscription for our VAPID key: endpoint, keys, clientHash."""
        response = self._post(
            "/subscribe",
            {
                "userVisibleOnly": "true",
                "applicationServerKey": settings.SMARTCITIZEN["VAPID_PUBLIC_KEY"],
            },
        )
        response.raise_for_status()
        return response.json()["data"]

    def phone(self, member) -> dict:
        """A new subscription registered as one of `member`'s devices, through
        push's own action (as the preferences page registers a phone)."""
        from push.actions import check_register_device

        subscription = self.subscribe()
        check_register_device(
            member,
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            user_agent="",
        )
        return subscription

    def messages(self, client_hash: str) -> list[str]:
        """The decrypted payloads this subscription received, oldest first."""
        response = self._post("/get-notifications", {"clientHash": client_hash})
        response.raise_for_status()
        return response.json()["data"]["messages"]

    def expire(self, client_hash: str) -> None:
        self._post(f"/expire-subscription/{client_hash}").raise_for_status()


class EmulatorMissing(RuntimeError):
    """node or the npm package is not installed."""


@contextmanager
def running_emulator() -> Iterator[PushEmulator]:
    """Start the emulator on a free port, stop it after."""
    node = shutil.which("node")
    if node is None or not SERVER.exists():
        raise EmulatorMissing(
            "node or web-push-testing missing (npm ci in tests/browser)"
        )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (a fixed script of ours)
        [node, str(SERVER), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    emulator = PushEmulator(f"http://localhost:{port}")
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if emulator._post("/status").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("The push emulator did not start.")
            time.sleep(0.05)
        yield emulator
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def emulator_for_tests() -> Iterator[PushEmulator]:
    """The emulator for a test session: a missing node or emulator fails the
    tests, never skips them (as a missing Chromium does: tests/browser)."""
    import pytest

    try:
        with running_emulator() as emulator:
            yield emulator
    except EmulatorMissing as missing:
        pytest.fail(f"{missing} (`make browser-deps` installs it)", pytrace=False)
