"""PostgreSQL restarted under load, through real HTTP forms and websockets (issue 11).

The site runs under two real server processes on one socket
(tests/support/site_server.py), once with persistent database connections
(`CONN_MAX_AGE=60`) and once with psycopg's connection pool (the default), so
each process must notice by itself that its connections died. Writers post
through the real forms (log in at /compte/connexion/, read the form of
/fil/commune/ with its CSRF token and `client_key`, post to
/publications/nouvelle/), and a websocket subscribed to the town's stream before
the fault listens. In the middle of the stream of writes the test database is
cut as a restart would cut it: connections to it are refused
(`ALTER DATABASE … ALLOW_CONNECTIONS false`) and every backend on it is
terminated (`pg_terminate_backend`, what a shutdown does to them), for
`CUT_SECONDS`, then allowed again. Only this test's database is touched, from a
connection of the `smartcitizen` role (its owner) to the `postgres` database.

Asserted:

- no response is a 500 or anything but 200, 302 or 503; every 503 is the
  French « réessayez » page (templates/503.html) with `Retry-After`, and no
  answer shows a traceback; the cut did make requests fail (at least one 503);
- 0 writes lost, 0 duplicated: a writer that got a 503 posts again with the
  same `client_key` until accepted; every submission ends accepted and is
  stored exactly once, with its text, and nothing else is stored;
- the site recovers by itself: every request started `GRACE_SECONDS` after
  connections are allowed again succeeds, and both server processes open a new
  database connection and serve after the restart (checked by mapping the new
  backends' client ports to the processes' sockets);
- the websocket either stays open or is closed with a retry code (1012, 1013)
  and resumes with `since`: it receives the `post.created` event of every
  stored post, 0 missing, none twice.
"""

import asyncio
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
import websockets
from django.conf import settings
from django.db import connection
from psycopg import sql

from community.models import TownPage
from feeds.models import Post
from realtime.groups import neighbourhood_stream, town_stream
from tests.factories import PASSWORD, NeighbourhoodFactory, make_member, make_town
from tests.support import site_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WRITERS = 3
# Posts accepted (and seen on the websocket) before the cut.
WARMUP_POSTS = 6
# How long connections to the database are refused.
CUT_SECONDS = 3.0
# How long the writers go on after the database is back.
AFTER_SECONDS = 3.0
# A request started this long after the restart must succeed.
GRACE_SECONDS = 1.0
REQUEST_TIMEOUT = 15
# A submission that got 503 is sent again this often, and given up after this.
RETRY_PAUSE = 0.2
SUBMISSION_DEADLINE = 30
# Closing codes that tell a websocket client to come back: service restart,
# try again later (RFC 6455).
RETRY_CLOSE_CODES = {1012, 1013}
FRENCH_503 = ("Service momentanément indisponible", "réessayez")
TRACEBACK_MARKS = ("Traceback", 'File "', "OperationalError", "psycopg")


@dataclass
class Answer:
    what: str
    started: float
    status: int
    body: str
    retry_after: str | None


@dataclass
class Submission:
    writer: int
    body: str
    client_key: str
    statuses: list[int] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return bool(self.statuses) and self.statuses[-1] == 302


@dataclass
class Load:
    """What the writers and the websocket saw, read by the test at the end."""

    base: str
    answers: list[Answer] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def request(self, session: requests.Session, method: str, path: str, **kw):
        started = time.monotonic()
        try:
            response = session.request(
                method,
                f"{self.base}{path}",
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
                **kw,
            )
        except requests.RequestException as error:
            with self.lock:
                self.errors.append(f"{method} {path}: no answer ({error!r})")
            return None
        with self.lock:
            self.answers.append(
                Answer(
                    f"{method} {path}",
                    started,
                    response.status_code,
                    response.text,
                    response.headers.get("Retry-After"),
                )
            )
        return response

    def accepted(self) -> int:
        with self.lock:
            return sum(1 for s in self.submissions if s.accepted)


def new_session() -> requests.Session:
    session = requests.Session()
    # A new TCP connection per request: the kernel hands each to either server
    # process, as a load balancer would.
    session.headers.update({"Connection": "close", "Accept-Language": "fr-FR"})
    return session


def hidden(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else None


def log_in(base: str, email: str) -> requests.Session:
    """Log in through the real form (the e-mail is the `username` field)."""
    session = new_session()
    form = session.get(f"{base}/compte/connexion/", timeout=REQUEST_TIMEOUT)
    assert form.status_code == 200, form.status_code
    answer = session.post(
        f"{base}/compte/connexion/",
        data={
            "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
            "username": email,
            "password": PASSWORD,
        },
        timeout=REQUEST_TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, (answer.status_code, answer.text[:2000])
    return session


def write(load: Load, session: requests.Session, writer: int) -> None:
    """Post one message after another; a 503 is retried with the same key."""
    number = 0
    while not load.stop.is_set():
        form = load.request(session, "GET", "/fil/commune/")
        if form is None or form.status_code != 200:
            time.sleep(RETRY_PAUSE)
            continue
        number += 1
        submission = Submission(
            writer,
            f"Coupure PostgreSQL : message {writer}-{number}",
            hidden(form.text, "client_key") or "",
        )
        with load.lock:
            load.submissions.append(submission)
        data = {
            "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
            "client_key": submission.client_key,
            "body": submission.body,
            "where": "town",
            "next": "/fil/commune/",
        }
        deadline = time.monotonic() + SUBMISSION_DEADLINE
        while time.monotonic() < deadline:
            answer = load.request(session, "POST", "/publications/nouvelle/", data=data)
            status = answer.status_code if answer is not None else 0
            submission.statuses.append(status)
            if status not in (0, 503):
                # 302 accepted; anything else is reported by the test.
                break
            time.sleep(RETRY_PAUSE)


@dataclass
class Listener:
    """A websocket client that resumes every stream it follows with `since`.

    `streams` maps each stream to the id of the last event received on it
    (event ids grow across streams; `since` is per stream). `subscribe_later`
    is a stream subscribed on the open socket when `later` is set (during the
    cut, so that the server has to read the database for it).
    """

    url: str
    cookie: str
    streams: dict[str, int]
    subscribe_later: str | None = None
    later: threading.Event = field(default_factory=threading.Event)
    events: list[dict] = field(default_factory=list)
    other_frames: list[dict] = field(default_factory=list)
    connects: int = 0
    subscribed: threading.Event = field(default_factory=threading.Event)
    closes: list[int | None] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    once: bool = False

    async def run(self) -> None:
        while not self.stop.is_set():
            try:
                async with open_socket(self.url, self.cookie) as socket:
                    self.connects += 1
                    for stream, since in list(self.streams.items()):
                        await self._subscribe(socket, stream, since)
                    self.subscribed.set()
                    await self._receive(socket)
                    return
            except websockets.ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd else None)
            except (websockets.InvalidHandshake, OSError, TimeoutError) as error:
                self.refusals.append(f"{type(error).__name__}: {error}")
            if self.once:
                return
            await asyncio.sleep(0.5)

    @staticmethod
    async def _subscribe(socket, stream: str, since: int) -> None:
        await socket.send(
            json.dumps({"op": "subscribe", "stream": stream, "since": since})
        )

    async def _receive(self, socket) -> None:
        while True:
            if (
                self.subscribe_later
                and self.later.is_set()
                and self.subscribe_later not in self.streams
            ):
                self.streams[self.subscribe_later] = 0
                await self._subscribe(socket, self.subscribe_later, 0)
            try:
                raw = await asyncio.wait_for(socket.recv(), 0.1)
            except TimeoutError:
                if self.stop.is_set():
                    return
                continue
            frame = json.loads(raw)
            if "op" in frame:
                self.other_frames.append(frame)
                continue
            self.events.append(frame)
            stream = frame["stream"]
            self.streams[stream] = max(self.streams.get(stream, 0), frame["id"])

    def post_ids(self) -> list[int]:
        return [
            event["data"]["post_id"]
            for event in self.events
            if event["event"] == "post.created"
        ]


def open_socket(url: str, cookie: str):
    return websockets.connect(
        url.replace("http://", "ws://") + "/ws/",
        origin=url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        open_timeout=REQUEST_TIMEOUT,
    )


def admin_connection() -> psycopg.Connection:
    """The test database's owner on the `postgres` database, out of the cut."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )


def allow_connections(admin: psycopg.Connection, name: str, allowed: bool) -> None:
    admin.execute(
        sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
            sql.Identifier(name), sql.SQL("true" if allowed else "false")
        )
    )


def terminate_backends(admin: psycopg.Connection, name: str) -> int:
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    ).fetchall()
    return len(rows)


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def processes_with_new_backends(
    admin: psycopg.Connection, name: str, since, pids: list[int]
) -> set[int]:
    """The server processes holding a connection opened after `since`."""
    ports = {
        row[0]
        for row in admin.execute(
            "SELECT client_port FROM pg_stat_activity "
            "WHERE datname = %s AND backend_start > %s AND client_port IS NOT NULL",
            [name, since],
        ).fetchall()
    }
    pg_port = int(connection.settings_dict["PORT"] or 5432)
    inode_by_port = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(remote.split(":")[1], 16) == pg_port:
            inode_by_port[int(local.split(":")[1], 16)] = inode
    wanted = {inode_by_port[port] for port in ports if port in inode_by_port}
    return {pid for pid in pids if socket_inodes(pid) & wanted}


def wait_for(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture
def resident():
    town = make_town("Val-Test")
    neighbourhood = NeighbourhoodFactory(town=town)
    return make_member(town, neighbourhood=neighbourhood), neighbourhood


def check_listener(listener: Listener, stored_ids: set[int], log: str) -> None:
    """Every stored post once, closes with retry codes only, no refusal."""
    received = listener.post_ids()
    missing = stored_ids - set(received)
    assert not missing, (f"{len(missing)} posts never reached the websocket", log)
    ids = [event["id"] for event in listener.events]
    assert len(ids) == len(set(ids)), "an event reached the websocket twice"
    assert set(received) == stored_ids, set(received) - stored_ids
    assert all(code in RETRY_CLOSE_CODES for code in listener.closes), (
        "a websocket was closed without a retry code",
        listener.closes,
        log,
    )
    assert not listener.refusals, (
        "a websocket handshake failed",
        listener.refusals,
        log,
    )
    assert listener.connects == 1 + len(listener.closes), listener.connects
    errors = [frame for frame in listener.other_frames if frame.get("op") == "error"]
    assert not errors, errors


# How each server process holds its connections: persistent ones of its own,
# or borrowed from psycopg's pool (the default, config/settings/base.py), whose
# wait is kept under the cut so that requests during it do fail (503).
CONNECTION_MODES = {
    "persistent": {"CONN_MAX_AGE": "60", "DB_POOL_MAX_SIZE": "0"},
    "pool": {"CONN_MAX_AGE": "0", "DB_POOL_MAX_SIZE": "4", "DB_POOL_TIMEOUT": "1"},
}


@pytest.mark.parametrize("mode", sorted(CONNECTION_MODES))
def test_a_postgres_restart_under_load_loses_nothing_and_recovers(
    mode: str, resident, tmp_path: Path
) -> None:
    member, neighbourhood = resident
    name = connection.settings_dict["NAME"]
    stream = town_stream(member.town_id)
    admin = admin_connection()
    # No post of the load may be refused by the town's rate limit.
    TownPage.objects.filter(pk=member.town_id).update(post_rate=10000)
    try:
        with site_server.serve(
            tmp_path / "server.log",
            processes=2,
            **CONNECTION_MODES[mode],
        ) as server:
            pids = [process.pid for process in server.processes]
            load = Load(server.url)
            sessions = [log_in(server.url, member.user.email) for _ in range(WRITERS)]
            cookie = sessions[0].cookies[settings.SESSION_COOKIE_NAME]
            page = sessions[0].get(f"{server.url}/fil/commune/", timeout=15)
            since = re.search(r'data-live-since="(\d+)"', page.text)
            assert since, page.text[:2000]
            # Connected before the cut; subscribes to one more stream during it.
            before = Listener(
                server.url,
                cookie,
                {stream: int(since.group(1))},
                subscribe_later=neighbourhood_stream(neighbourhood.pk),
            )
            # Connects for the first time during the cut.
            during = Listener(server.url, cookie, {stream: int(since.group(1))})
            listening = [
                threading.Thread(target=asyncio.run, args=(listener.run(),))
                for listener in (before, during)
            ]
            listening[0].start()
            assert before.subscribed.wait(10), before.refusals
            writers = [
                threading.Thread(target=write, args=(load, session, number))
                for number, session in enumerate(sessions, 1)
            ]
            try:
                for thread in writers:
                    thread.start()
                assert wait_for(
                    lambda: (
                        load.accepted() >= WARMUP_POSTS
                        and len(before.post_ids()) >= WARMUP_POSTS
                    ),
                    20,
                ), (load.accepted(), before.post_ids(), load.errors, server.log())

                # The cut: refused, every backend of the test database ended.
                allow_connections(admin, name, False)
                cut_at = time.monotonic()
                try:
                    terminated = terminate_backends(admin, name)
                    time.sleep(CUT_SECONDS / 3)
                    before.later.set()
                    listening[1].start()
                    time.sleep(CUT_SECONDS / 3)
                    # Any backend that started while the first call ran.
                    terminated += terminate_backends(admin, name)
                    time.sleep(CUT_SECONDS / 3)
                finally:
                    allow_connections(admin, name, True)
                restored_at = time.monotonic()
                restored_db_time = admin.execute("SELECT now()").fetchone()[0]
                time.sleep(AFTER_SECONDS)
            finally:
                load.stop.set()
                for thread in writers:
                    thread.join(SUBMISSION_DEADLINE + REQUEST_TIMEOUT)

            # Both processes serve again on connections of their own, opened
            # after the restart.
            checker = new_session()
            checker.cookies.update(sessions[0].cookies)
            recovered = wait_for(
                lambda: (
                    load.request(checker, "GET", "/fil/commune/") is not None
                    and processes_with_new_backends(admin, name, restored_db_time, pids)
                    == set(pids)
                ),
                10,
                step=0.05,
            )
            serving = processes_with_new_backends(admin, name, restored_db_time, pids)

            connection.close()  # pytest-django's connection was terminated too.
            stored = list(
                Post.objects.filter(author=member).values_list(
                    "pk", "client_key", "body"
                )
            )
            stored_ids = {pk for pk, _key, _body in stored}
            # Every stored post reaches both websockets.
            wait_for(
                lambda: all(
                    stored_ids <= set(listener.post_ids())
                    for listener in (before, during)
                ),
                10,
            )
            for listener, thread in zip((before, during), listening, strict=True):
                listener.stop.set()
                thread.join(10)
            log = server.log()
    finally:
        try:
            allow_connections(admin, name, True)
        finally:
            admin.close()

    assert terminated >= 1, "the cut ended no backend of the test database"
    assert not load.errors, (load.errors, log)
    unexpected = [
        (a.what, a.status, a.body[:3000])
        for a in load.answers
        if a.status not in (200, 302, 503)
    ]
    assert not unexpected, (unexpected, log)
    unavailable = [a for a in load.answers if a.status == 503]
    assert unavailable, "no request failed during the cut: the fault was not exercised"
    for answer in unavailable:
        assert all(text in answer.body for text in FRENCH_503), (
            answer.what,
            answer.body[:3000],
        )
        assert answer.retry_after, (answer.what, "503 without Retry-After")
    for answer in load.answers:
        shown = [mark for mark in TRACEBACK_MARKS if mark in answer.body]
        assert not shown, (answer.what, answer.status, shown, answer.body[:3000])

    # 0 lost, 0 duplicated.
    submissions = load.submissions
    not_accepted = [(s.body, s.statuses) for s in submissions if not s.accepted]
    assert not not_accepted, ("submissions never accepted", not_accepted, log)
    by_key: dict[str, list[tuple[int, str]]] = {}
    for pk, key, body in stored:
        by_key.setdefault(key, []).append((pk, body))
    for submission in submissions:
        rows = by_key.get(submission.client_key, [])
        assert len(rows) == 1, (
            f"{submission.body!r} (answers {submission.statuses}) is stored "
            f"{len(rows)} times"
        )
        assert rows[0][1] == submission.body, (submission.body, rows)
    assert len(stored) == len(submissions), (
        f"{len(stored)} posts stored for {len(submissions)} submissions"
    )

    # Nothing failed before the cut.
    early = [
        (a.what, a.status)
        for a in load.answers
        if a.started < cut_at - GRACE_SECONDS and a.status not in (200, 302)
    ]
    assert not early, ("requests failed before the cut", early, log)

    # The site recovered by itself.
    late = restored_at + GRACE_SECONDS
    failed_late = [
        (round(a.started - restored_at, 2), a.what, a.status)
        for a in load.answers
        if a.started >= late and a.status not in (200, 302)
    ]
    assert not failed_late, ("requests failed after the restart", failed_late, log)
    assert any(a.started >= late for a in load.answers), "no request after the cut"
    assert recovered, (
        f"server processes {sorted(set(pids) - serving)} opened no new database "
        f"connection after the restart",
        log,
    )

    # The websockets: open throughout, or closed with a retry code and resumed.
    check_listener(before, stored_ids, log)
    check_listener(during, stored_ids, log)


# Requests sent at once to one server process, and the connections the database
# accepts from it, as the fault bench's overloaded processes met it (PostgreSQL's
# "too many clients", docs/performance.md).
BURST = 24
CONNECTION_ROOM = 3


def count_backends(admin: psycopg.Connection, name: str) -> int:
    return admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
    ).fetchone()[0]


@pytest.mark.parametrize("pooled", [True, False], ids=["pool", "no-pool"])
def test_a_burst_past_the_connection_limit_waits_for_the_pool(
    pooled: bool, resident, tmp_path: Path
) -> None:
    """With the pool a burst queues for its connections: every answer is a 200.

    Without it (the control, same burst, same limit) each request in progress
    opens a connection of its own and the database refuses some: 503s.
    """
    member, _ = resident
    name = connection.settings_dict["NAME"]
    admin = admin_connection()
    pool = (
        {"DB_POOL_MAX_SIZE": str(CONNECTION_ROOM), "DB_POOL_TIMEOUT": "30"}
        if pooled
        else {"DB_POOL_MAX_SIZE": "0"}
    )
    peak = 0
    answers: list[int] = []
    # This test process's own connections; the server gets room for 3 more.
    baseline = count_backends(admin, name)
    try:
        with site_server.serve(tmp_path / "server.log", **pool) as server:
            session = log_in(server.url, member.user.email)
            cookies = session.cookies.get_dict()
            session.close()
            admin.execute(
                sql.SQL("ALTER DATABASE {} CONNECTION LIMIT {}").format(
                    sql.Identifier(name), sql.Literal(baseline + CONNECTION_ROOM)
                )
            )
            stop = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, count_backends(admin, name) - baseline)
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample)
            sampler.start()
            barrier = threading.Barrier(BURST)

            def read_feed() -> None:
                with requests.Session() as reader:
                    reader.cookies.update(cookies)
                    barrier.wait()
                    answer = reader.get(
                        f"{server.url}/fil/commune/", timeout=REQUEST_TIMEOUT * 4
                    )
                    answers.append(answer.status_code)

            readers = [threading.Thread(target=read_feed) for _ in range(BURST)]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
            stop.set()
            sampler.join()
            log = server.log()
    finally:
        try:
            admin.execute(
                sql.SQL("ALTER DATABASE {} CONNECTION LIMIT -1").format(
                    sql.Identifier(name)
                )
            )
        finally:
            admin.close()

    assert len(answers) == BURST
    if pooled:
        assert answers == [200] * BURST, (answers, log)
        assert peak <= CONNECTION_ROOM, (peak, log)
    else:
        assert 503 in answers, (answers, peak, log)
        assert set(answers) <= {200, 503}, (answers, log)
