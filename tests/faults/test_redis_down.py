"""Redis down for a few seconds under a stream of writes, through real HTTP (issue 11).

The site runs under two real server processes (`python -m config.server`,
tests/support/site_server.py) on the test database, its cache and channel layer
on a Redis of this test's own (`fault_redis`, tests/faults/conftest.py). A
resident writes through the real forms, as a browser would (the page's CSRF
token and `client_key`): posts, comments, reactions and chat messages, with
searches in between; some posts are sent twice with the same key (a retry after
a lost answer), and a write that fails is sent again with its key. Another
resident listens on a real websocket to the town's stream and the
neighbourhood's chat room, and reconnects after any close with `since` = the
last event id it got, as static/js/live.js does. Redis is killed for about five
seconds, then started again on the same port (empty).

Asserted:
- no HTTP answer is a 5xx, during the outage or after, and every write is
  accepted the first time it is sent (Redis only holds the cache, rate limits
  and live delivery; none of them may fail a write);
- every post, comment and chat message the resident sent exists exactly once
  (0 lost, 0 duplicated, retries with the same key included);
- once Redis is back, the websocket client has received every event logged
  on its streams since the pages it loaded, each once, in order of seq;
- a websocket handshake during the outage is accepted then closed with 1013,
  never answered with an HTTP error;
- the real login form works during the outage (the rate limit counts in the
  process's memory, config/ratelimit.py) and a wrong password is refused;
- /healthz answers 200 during the outage, says the cache and the channel
  layer are down and lists them as degraded; both are `ok` again after.
"""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

from community.models import TownPage
from feeds.actions.chat import get_or_create_neighbourhood_room
from feeds.models import ChatMessage, Comment, Post
from realtime.models import Event
from tests.factories import PASSWORD, NeighbourhoodFactory, make_member, make_town
from tests.support import site_server
from tests.support.redis_server import FaultRedis

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OUTAGE_SECONDS = 4.0
# Write cycles (post, comment, reaction, chat message, searches) before the
# outage, during it (at least) and after Redis is back.
CYCLES_BEFORE = 1
CYCLES_DURING = 3
CYCLES_AFTER = 2
# A failed write is sent again with its key this many times at most.
RETRIES = 5
# Seconds the websocket client may take to catch up once Redis is back.
CATCH_UP_SECONDS = 20.0
HTTP_TIMEOUT = 10
# No write of this test may be refused by a rate limit: the town's own rates
# (community/models/towns.py), set on it before the server starts.
RATES = {
    "post_rate": 1000,
    "comment_rate": 1000,
    "message_rate": 1000,
    "reaction_rate": 1000,
}
CLOSE_TRY_AGAIN_LATER = 1013
WRONG_PASSWORD_TEXT = "Adresse e-mail ou mot de passe incorrect"


def form_fields(html: str, action: str | None = None) -> dict[str, str]:
    """The hidden inputs of the page's POST form to `action` (None: the page
    itself, a form without an action)."""
    forms = re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S)
    for attributes, body in forms:
        if 'method="post"' not in attributes:
            continue
        if (action is None and "action=" not in attributes) or (
            f'action="{action}"' in attributes
        ):
            return dict(
                re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
            )
    raise AssertionError(f"no form posting to {action!r} in the page")


@dataclass
class Answer:
    method: str
    path: str
    status: int
    at: float


class Browser:
    """A requests session that records every answer it gets."""

    def __init__(self, base: str, log: list[Answer]) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy between the test and the server
        self.log = log

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        answer = self.session.request(
            method,
            self.base + path,
            timeout=HTTP_TIMEOUT,
            allow_redirects=False,
            headers={"Referer": self.base + path},
            **kwargs,
        )
        self.log.append(Answer(method, path, answer.status_code, time.monotonic()))
        return answer

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        return self.request("POST", path, data=data, **kwargs)

    def page(self, path: str) -> str:
        answer = self.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.text

    def log_in(self, email: str, password: str) -> requests.Response:
        """The real login form: its CSRF token, then the e-mail and password."""
        fields = form_fields(self.page("/compte/connexion/"))
        fields.update(username=email, password=password)
        return self.post("/compte/connexion/", fields)

    @property
    def cookie(self) -> str:
        return self.session.cookies.get(settings.SESSION_COOKIE_NAME, "")


@dataclass
class Sent:
    """What the writer sent: one client key per item, and how each send went."""

    posts: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    reactions: int = 0
    # (what, first answer's status) of every write that needed a second send
    retried: list[tuple[str, int]] = field(default_factory=list)
    # writes that never got their redirect, even after RETRIES sends
    failed: list[str] = field(default_factory=list)


class Writer(threading.Thread):
    """A resident writing through the real forms, cycle after cycle."""

    def __init__(self, browser: Browser, room_id: int) -> None:
        super().__init__(daemon=True)
        self.browser = browser
        self.room_id = room_id
        self.sent = Sent()
        self.cycles = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.cycle(self.cycles)
                self.cycles += 1
        except BaseException as error:  # reported by the test
            self.error = error

    def send(self, what: str, path: str, fields: dict) -> requests.Response:
        """POST until the form's redirect comes, with the same fields (same key)."""
        answer = self.browser.post(path, fields)
        if answer.status_code != 302:
            self.sent.retried.append((what, answer.status_code))
            for _retry in range(RETRIES):
                time.sleep(0.3)
                answer = self.browser.post(path, fields)
                if answer.status_code == 302:
                    break
            else:
                self.sent.failed.append(f"{what} {path} -> {answer.status_code}")
        return answer

    def cycle(self, number: int) -> None:
        browser = self.browser
        feed = browser.page("/fil/commune/")
        fields = form_fields(feed, "/publications/nouvelle/")
        key = fields["client_key"]
        fields.update(body=f"Compost partagé, message {number}", where="town")
        self.sent.posts.append(key)
        self.send("post", "/publications/nouvelle/", fields)
        if number % 2 == 0:
            # The answer was "lost": the browser sends the same form again.
            self.send("post (again)", "/publications/nouvelle/", fields)
        post_id = int(re.search(r'id="post-(\d+)"', browser.page("/fil/commune/"))[1])

        detail = browser.page(f"/publications/{post_id}/")
        comment_path = f"/publications/{post_id}/commenter/"
        fields = form_fields(detail, comment_path)
        fields.update(body=f"Bonne idée ({number})")
        self.sent.comments.append(fields["client_key"])
        self.send("comment", comment_path, fields)

        react_path = f"/publications/{post_id}/reagir/"
        fields = form_fields(detail, react_path)
        fields["kind"] = "merci"
        self.sent.reactions += 1
        self.send("reaction", react_path, fields)

        room_path = f"/messages/{self.room_id}/"
        fields = form_fields(browser.page(room_path))
        fields.update(body=f"Qui vient au jardin ? ({number})")
        self.sent.messages.append(fields["client_key"])
        self.send("message", room_path, fields)

        browser.page("/search/?q=compost")
        suggest = browser.get("/search/suggest?q=comp")
        assert suggest.status_code == 200, suggest.status_code


class LiveClient(threading.Thread):
    """live.js in a thread: subscribe with `since`, reconnect after any close."""

    def __init__(self, base: str, cookie: str, since: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.url = base.replace("http://", "ws://") + "/ws/"
        self.origin = base
        self.cookie = cookie
        self.since = dict(since)
        # (stream, id) of every event frame, as received, duplicates included
        self.received: list[tuple[str, int]] = []
        self.errors: list[dict] = []
        self.closes: list[int | None] = []
        self.refusals: list[int] = []
        self.failures: list[str] = []
        self.connections = 0
        self.stop = threading.Event()
        # Set by the test: leave the open socket, as a phone losing its network.
        self.dropping = threading.Event()

    def drop(self) -> None:
        self.dropping.set()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with connect(
                    self.url,
                    origin=self.origin,
                    additional_headers={
                        "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}"
                    },
                    proxy=None,
                    open_timeout=5,
                    close_timeout=1,
                ) as socket:
                    self.connections += 1
                    for stream, since in self.since.items():
                        socket.send(
                            json.dumps(
                                {"op": "subscribe", "stream": stream, "since": since}
                            )
                        )
                    self.listen(socket)
            except ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd else None)
            except InvalidStatus as refused:
                self.refusals.append(refused.response.status_code)
            except (OSError, TimeoutError, InvalidHandshake) as error:
                self.failures.append(repr(error))
            # live.js waits 0.5 to 1 s first; shorter here to keep the test short.
            self.stop.wait(0.3)

    def listen(self, socket) -> None:
        while not self.stop.is_set():
            if self.dropping.is_set():
                self.dropping.clear()
                return
            try:
                raw = socket.recv(timeout=0.2)
            except TimeoutError:
                continue
            frame = json.loads(raw)
            if frame.get("op") == "error":
                self.errors.append(frame)
                continue
            stream, event_id = frame["stream"], frame["id"]
            self.received.append((stream, event_id))
            if event_id > self.since[stream]:
                self.since[stream] = event_id

    def ids(self) -> dict[str, list[int]]:
        by_stream: dict[str, list[int]] = {stream: [] for stream in self.since}
        for stream, event_id in list(self.received):
            by_stream[stream].append(event_id)
        return by_stream


def live_since(html: str) -> tuple[str, int]:
    found = re.search(r'data-live-stream="([^"]+)" data-live-since="(\d+)"', html)
    assert found, "the page names no live stream"
    return found[1], int(found[2])


def logged(streams: dict[str, int]) -> dict[str, list[int]]:
    """Ids of the events logged on each stream after its `since`, by seq."""
    return {
        stream: list(
            Event.objects.filter(stream=stream, id__gt=since)
            .order_by("seq")
            .values_list("id", flat=True)
        )
        for stream, since in streams.items()
    }


def handshake_during_outage(base: str, cookie: str) -> int | str:
    """Open a socket and subscribe; return the close code, or how it failed."""
    try:
        with connect(
            base.replace("http://", "ws://") + "/ws/",
            origin=base,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            proxy=None,
            open_timeout=5,
            close_timeout=1,
        ) as socket:
            socket.recv(timeout=5)
            return "a frame instead of a close"
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else "closed without a close frame"
    except InvalidStatus as refused:
        return f"HTTP {refused.response.status_code}"
    except TimeoutError:
        return "still open after 5 s"


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def residents():
    town = make_town("Val-Test")
    neighbourhood = NeighbourhoodFactory(town=town, name="Les Tilleuls")
    writer = make_member(town, neighbourhood=neighbourhood, display_name="Anne B.")
    reader = make_member(town, neighbourhood=neighbourhood, display_name="Paul R.")
    room = get_or_create_neighbourhood_room(neighbourhood)
    return writer, reader, room


def test_redis_killed_under_writes_loses_nothing_and_fails_nothing(
    fault_redis: FaultRedis, residents, tmp_path: Path
) -> None:
    writer_member, reader_member, room = residents
    TownPage.objects.filter(pk=writer_member.town_id).update(**RATES)
    answers: list[Answer] = []
    with site_server.serve(
        tmp_path / "server.log", processes=2, REDIS_URL=fault_redis.url
    ) as server:
        base = server.url
        writer_browser = Browser(base, answers)
        assert (
            writer_browser.log_in(writer_member.user.email, PASSWORD).status_code == 302
        )
        reader = Browser(base, answers)
        assert reader.log_in(reader_member.user.email, PASSWORD).status_code == 302
        # The streams and positions the reader's pages give live.js.
        since = dict(
            [
                live_since(reader.page("/fil/commune/")),
                live_since(reader.page(f"/messages/{room.pk}/")),
            ]
        )
        # One client keeps its socket through the outage; the other drops it
        # when Redis goes and comes back as live.js would (1013 until Redis
        # answers, then `since`).
        steady = LiveClient(base, reader.cookie, since)
        dropper = LiveClient(base, reader.cookie, since)
        for live in (steady, dropper):
            live.start()
            assert wait_for(lambda live=live: live.connections == 1, 10), live.failures

        writer = Writer(writer_browser, room.pk)
        writer.start()
        assert wait_for(lambda: writer.cycles >= CYCLES_BEFORE, 30), (
            writer.error,
            server.log(),
        )

        # Redis goes away.
        fault_redis.kill()
        outage_started = time.monotonic()
        dropper.drop()
        cycles_at_outage = writer.cycles
        # Pages and the rate limits notice it on their next use.
        health = Browser(base, answers).get("/healthz")
        during_health = health.status_code, health.json()
        ws_during = handshake_during_outage(base, reader.cookie)
        visitor = Browser(base, answers)
        login_during = visitor.log_in(writer_member.user.email, PASSWORD)
        page_after_login = visitor.get("/fil/commune/").status_code
        intruder = Browser(base, answers)
        wrong_password = intruder.log_in(writer_member.user.email, "pas-le-bon")
        assert wait_for(
            lambda: (
                writer.cycles >= cycles_at_outage + CYCLES_DURING
                and time.monotonic() - outage_started >= OUTAGE_SECONDS
            ),
            40,
        ), (writer.error, writer.cycles, server.log())

        # Redis comes back, empty, on the same port.
        fault_redis.start()
        outage_ended = time.monotonic()
        cycles_at_return = writer.cycles
        assert wait_for(lambda: writer.cycles >= cycles_at_return + CYCLES_AFTER, 40), (
            writer.error,
            server.log(),
        )
        writer.stop.set()
        writer.join(timeout=30)
        assert writer.error is None, f"{writer.error!r}\n{server.log()}"

        expected = logged(since)
        caught_up = wait_for(
            lambda: steady.ids() == expected and dropper.ids() == expected,
            CATCH_UP_SECONDS,
        )
        for live in (steady, dropper):
            live.stop.set()
            live.join(timeout=10)
        elapsed = time.monotonic() - outage_started
        after_health = Browser(base, answers).get("/healthz").json()
        log = server.log()

    sent = writer.sent
    errors = [a for a in answers if a.status >= 500]
    assert not errors, f"5xx answers: {errors}\n{log}"
    during = [a for a in answers if outage_started <= a.at <= outage_ended]
    writes_during = [a for a in during if a.method == "POST"]
    assert len(writes_during) >= 3 * CYCLES_DURING, (
        f"only {len(writes_during)} writes during the outage"
    )
    assert not sent.failed, f"writes never accepted: {sent.failed}\n{log}"
    assert not sent.retried, f"writes refused the first time: {sent.retried}\n{log}"

    # 0 lost, 0 duplicated.
    posts = list(Post.objects.filter(author=writer_member).values_list("client_key"))
    assert sorted(key for (key,) in posts) == sorted(sent.posts), (
        "posts stored differ from posts sent (lost or duplicated)"
    )
    comments = list(
        Comment.objects.filter(author=writer_member).values_list("client_key")
    )
    assert sorted(key for (key,) in comments) == sorted(sent.comments)
    messages = list(
        ChatMessage.objects.filter(author=writer_member).values_list("client_key")
    )
    assert sorted(key for (key,) in messages) == sorted(sent.messages)

    # Every logged event reached the websocket client, once, in order.
    for name, live in (("steady", steady), ("dropper", dropper)):
        received = live.ids()
        for stream, ids in expected.items():
            got = received[stream]
            assert ids, f"no event was logged on {stream}"
            assert got == ids, (
                f"{name} client, {stream}: missing {sorted(set(ids) - set(got))}, "
                f"duplicated {sorted({i for i in got if got.count(i) > 1})}, "
                f"in order: {got == sorted(got)}\n"
                f"closes {live.closes}, refusals {live.refusals}\n{log}"
            )
        assert not live.refusals, f"{name}: handshakes answered {live.refusals}"
        assert not live.errors, (name, live.errors)
    assert caught_up, f"caught up only after {elapsed:.1f} s"
    # The dropped client was turned away with 1013 while Redis was down, then
    # resumed from the log.
    assert CLOSE_TRY_AGAIN_LATER in dropper.closes, (dropper.closes, dropper.failures)
    assert dropper.connections >= 3, dropper.connections

    assert ws_during == CLOSE_TRY_AGAIN_LATER, (
        f"websocket during the outage: {ws_during}\n{log}"
    )
    assert login_during.status_code == 302, (
        f"login during the outage answered {login_during.status_code}"
    )
    assert page_after_login == 200
    assert wrong_password.status_code == 200
    assert WRONG_PASSWORD_TEXT in wrong_password.text
    assert not intruder.cookie, "a wrong password opened a session"

    status, body = during_health
    assert status == 200, body
    assert body["database"] == "ok", body
    assert body["cache"] == "down", body
    assert body["channel_layer"] == "down", body
    assert body.get("status") == "degraded", body
    assert {"cache", "channel_layer"} <= set(body.get("degraded", [])), body
    assert after_health["cache"] == "ok", after_health
    assert after_health["channel_layer"] == "ok", after_health
