"""The scoring core slow or down, through real HTTP (issue 11).

The site runs under a real server (tests/support/site_server.py) on the test
database, its scoring core set to a local address this test controls
(`SwitchableCore`): a socket that accepts and never answers (hanging), a port
nothing listens on (closed), then a plain TCP relay to the real embedded
scoring API, served by pytest-django's live server from this process (the
core coming back). Asserted: every page answers within the timeout + 1 s,
a failed call is remembered (the circuit breaker: no further connection to the
core during its open period), « J'ai agi » posted through the real form is
stored pending and shown « en attente », and once the core answers the queued
action is delivered exactly once.
"""

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from challenges import actions
from challenges.models import ActionStatus, LoggedAction
from scoring import client as scoring
from scoring.models import LedgerEntry
from tests.challenges.conftest import (
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.support import site_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TOKEN = "fault-test-scoring-token-7d2e9b41c0"
TIMEOUT = 1.5  # SCORING_CORE_TIMEOUT given to the server
# SCORING_CORE_BREAKER_SECONDS given to the server: the ten pages below must
# load within it (10 s was not always enough on a loaded CI machine, and the
# half-open trial then reached the hanging core a second time).
BREAKER = 20
BOUND = TIMEOUT + 1.0  # what a page may take, at worst


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SwitchableCore:
    """One scoring-core address that hangs, is closed, or relays to a real core."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/scoring/v1/"
        self.mode = "closed"
        self.listener: socket.socket | None = None
        self.held: list[socket.socket] = []
        self.accepted = 0
        self.lock = threading.Lock()

    def _listen(self) -> None:
        if self.listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                mode = self.mode
                self.held.append(connection)
            if mode == "relay":
                upstream = socket.create_connection(self.upstream)
                self.held.append(upstream)
                for source, target in ((connection, upstream), (upstream, connection)):
                    threading.Thread(
                        target=self._pipe, args=(source, target), daemon=True
                    ).start()
            # "hang": the connection is kept open and never read nor answered.

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _drop_held(self) -> None:
        with self.lock:
            held, self.held = self.held, []
        for connection in held:
            connection.close()

    def hang(self) -> None:
        self.mode = "hang"
        self._listen()

    def close(self) -> None:
        self.mode = "closed"
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        self._drop_held()

    def relay(self) -> None:
        self._drop_held()
        self.mode = "relay"
        self._listen()


@pytest.fixture
def core(live_server) -> Iterator[SwitchableCore]:
    host, port = live_server.thread.host, live_server.thread.port
    switchable = SwitchableCore((host, port))
    # The live server's API serves the embedded engine to this token only.
    with override_settings(SCORING_CORE_TOKEN=TOKEN):
        yield switchable
    switchable.close()


@pytest.fixture
def resident():
    town = make_town("Val-Test")
    neighbourhood = NeighbourhoodFactory(town=town, name="Les Tilleuls")
    member = make_member(town, neighbourhood=neighbourhood)
    action_type = make_action_type()
    challenge = make_challenge(make_challenge_index(town), [action_type])
    actions.check_join(member, challenge)
    return member, challenge, action_type


def signed_in(base: str, member) -> requests.Session:
    django_client = Client()
    django_client.force_login(member.user)
    session = requests.Session()
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value
    session.cookies.set(settings.SESSION_COOKIE_NAME, cookie, domain="127.0.0.1")
    return session


def timed_get(session: requests.Session, url: str) -> tuple[float, str]:
    started = time.monotonic()
    answer = session.get(url, timeout=BOUND + 5)
    elapsed = time.monotonic() - started
    assert answer.status_code == 200, (url, answer.status_code)
    return elapsed, answer.text


def post_action(session: requests.Session, form_url: str, action_type) -> str:
    form = session.get(form_url, timeout=BOUND + 5)
    assert form.status_code == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert csrf and key
    started = time.monotonic()
    answer = session.post(
        form_url,
        data={
            "csrfmiddlewaretoken": csrf.group(1),
            "action_type": str(action_type.pk),
            "occurred_on": timezone.localdate().isoformat(),
            "idempotency_key": key.group(1),
        },
        timeout=BOUND + 5,
    )
    assert time.monotonic() - started < BOUND
    assert answer.status_code == 200  # after the redirect to the challenge page
    assert "sera comptée dès que le service des points répond" in answer.text
    # The action's own mark (every page also says « Envois en attente »: pwa).
    assert 'class="action-pending"' in answer.text
    return key.group(1)


@pytest.mark.parametrize("fault", ["hang", "closed"])
def test_pages_stay_fast_and_j_ai_agi_is_delivered_once_when_the_core_returns(
    fault: str, core: SwitchableCore, resident, tmp_path: Path
) -> None:
    member, challenge, action_type = resident
    # Closed while the server starts: its /healthz probes the core.
    with site_server.serve(
        tmp_path / "server.log",
        SCORING_CORE_URL=core.url,
        SCORING_CORE_TOKEN=TOKEN,
        SCORING_CORE_TIMEOUT=str(TIMEOUT),
        SCORING_CORE_BREAKER_SECONDS=str(BREAKER),
        SCORING_CORE_CACHE_SECONDS="0",
        # Under override_settings (the core fixture) settings.SETTINGS_MODULE
        # reads None: name the module the run uses.
        DJANGO_SETTINGS_MODULE=os.environ["DJANGO_SETTINGS_MODULE"],
    ) as server:
        if fault == "hang":
            core.hang()
        session = signed_in(server.url, member)
        pages = {
            "dashboard": f"{server.url}/foyer/tableau-de-bord/",
            "leaderboard": f"{server.url}{challenge.url}classement/",
            "rewards": f"{server.url}/recompenses/",
            "challenge": f"{server.url}{challenge.url}",
            "form": f"{server.url}{challenge.url}j-ai-agi/",
        }
        tripped_at = time.monotonic()
        for _load in range(2):
            for name, url in pages.items():
                elapsed, html = timed_get(session, url)
                assert elapsed < BOUND, (name, elapsed, server.log())
                if name in ("dashboard", "leaderboard", "rewards"):
                    assert "Données indisponibles" in html, name
        assert time.monotonic() - tripped_at < BREAKER, "the breaker period ran out"
        if fault == "hang":
            # The first call waited once; every later one failed fast (breaker).
            assert core.accepted == 1, server.log()

        key = post_action(session, pages["form"], action_type)
        logged = LoggedAction.objects.get(idempotency_key=key)
        assert logged.status == ActionStatus.PENDING
        assert not LedgerEntry.objects.exists()
        _elapsed, dashboard = timed_get(session, pages["dashboard"])
        assert 'class="action-pending"' in dashboard
        assert time.monotonic() - tripped_at < BREAKER, "the breaker period ran out"
        if fault == "hang":
            assert core.accepted == 1

        # The core comes back; after the open period one call tries it again.
        core.relay()
        # (It opened when the first call gave up, at most TIMEOUT after tripped_at.)
        reopens = tripped_at + TIMEOUT + BREAKER + 0.5
        time.sleep(max(0.0, reopens - time.monotonic()))
        elapsed, dashboard = timed_get(session, pages["dashboard"])
        assert elapsed < BOUND
        # The dashboard sent the queued action before reading the points.
        assert "Données indisponibles" not in dashboard, server.log()
        assert 'class="action-pending"' not in dashboard
        logged.refresh_from_db()
        assert logged.status == ActionStatus.COUNTED
        assert logged.points_awarded == action_type.points()
        assert LedgerEntry.objects.filter(idempotency_key=key).count() == 1
        _elapsed, rewards = timed_get(session, pages["rewards"])
        assert "Données indisponibles" not in rewards

    # Sending again changes nothing: nothing pending, and the core replays the key.
    with override_settings(SCORING_CORE_URL=core.url):
        call_command("send_pending_actions", verbosity=0)
        replay = scoring.log_action(
            member.household,
            action=action_type.code,
            domain=action_type.domain,
            occurred_at=logged.occurred_at,
            idempotency_key=key,
            proof=logged.proof,
        )
    assert replay["replayed"] is True
    assert LedgerEntry.objects.filter(household=member.household).count() == 1
    assert LoggedAction.objects.filter(household=member.household).count() == 1
