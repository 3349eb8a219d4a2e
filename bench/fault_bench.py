"""Faults under load: 600 residents for 10 minutes, Redis restarted in the middle.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \
        .venv/bin/python bench/fault_bench.py [--residents 600] [--duration 600]

Needs PostgreSQL (`bash scripts/services.sh start`) and `redis-server` on the
PATH. The bench uses a database of its own (`sc_bench_fault`, dropped and
created again unless `--reuse-db`, migrated and loaded with the demo town by
`seed_demo`: 600 active households) and a Redis server of its own, started on a
free loopback port (`--save ""`, no persistence), since it kills that one.
`BENCH_DATABASE_NAME` and `BENCH_POSTGRES` change the database, which accepts
at most `--db-connections` (60) connections: the PostgreSQL server is shared.
Each uvicorn process borrows its connections from psycopg's pool, `--db-pool`
(20) at most (0: no pool, a connection per request in progress, as before the
pool). Elasticsearch is not used.

1. Cast: one member of each of the `--residents` first active households. Each
   household joins the demo town's town-wide challenge (rows written directly);
   the neighbourhood chat rooms are created. `--form-logins` residents (20 by
   default: the login rate limit is 30 per address per 10 minutes, and every
   resident comes from 127.0.0.1) get a password and sign in through the login
   form; the others get a session written with the session engine (the demo
   residents have no usable password, and 600 logins would only measure the
   login limit).
2. Two uvicorn processes serve `config.asgi` on ports of their own (the bench's
   settings, with `bench/fault_settings.py` adding a console log of 500s and
   warnings), sharing the bench database and the bench's Redis (cache, rate
   limits, channel layer). Residents are split between them, as sticky
   sessions behind a load balancer.
3. Each resident, an asyncio task with its own cookies (httpx, kept-alive
   connections), loops until `--duration` ends: think time uniform in
   `--think-min`..`--think-max` seconds (10–20 s: one action every 15 s on
   average, about 40 actions a second for 600), then one action drawn with the
   weights of `ACTIONS`: read a feed page (the town's or the neighbourhood's),
   read a post page, post (the feed page, then the form POST with its CSRF
   token and client key), comment (the post page, then its form), chat (the
   neighbourhood room's page, then its form), or « J'ai agi » (the challenge's
   form, embedded scoring core). A POST that fails (no answer, a timeout or a
   5xx) is sent once more, one second later, with the same form data: the same
   client key / idempotency key. Every text written carries a token of the run
   (`fb-<run>-<resident>-<n>`).
4. `--sockets` residents (every third one by default) also load the town feed
   page and hold a websocket subscribed to `town:<id>` from the page's
   `data-live-since`; on a close or a failed connection they reconnect (1 s
   doubling to 8 s) with `since` = the last event id they got.
5. At `--duration / 2` the bench's Redis is killed (SIGKILL) and started again on
   the same port `--redis-down` seconds later (5 s), empty.
6. After the last resident stopped: per page kind, requests, statuses, 500s,
   client errors (timeouts, refused connections), p50/p99; per kind of write,
   sent, acknowledged, stored (rows of the run found in the database by client
   key, idempotency key and token), lost, duplicated; websocket events expected
   (the event log of `town:<id>` after each client's first `since`) against
   received, with the delivery latency of posts (from the first POST attempt to
   the frame); load average; a summary of both uvicorn logs, which are kept.

Every resident, every socket and both servers run on the same 2 cores: the
figures are wall-clock times on that machine, and the bench's own work is in
them. Figures go to stdout; docs/performance.md keeps the last ones.
"""

import argparse
import asyncio
import contextlib
import html
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import DefaultCookiePolicy
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "sc_bench_fault")
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES", "postgres://smartcitizen:smartcitizen@127.0.0.1:5432"
)
DATABASE_URL = f"{PG_SERVER}/{DB_NAME}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS_PORT = free_port()
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
RUN = uuid.uuid4().hex[:8]  # in every token, key and text of this run

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["ELASTICSEARCH_URL"] = ""
os.environ["SEARCH_INDEX_PREFIX"] = f"bench-fault-{os.getpid()}"
os.environ["SCORING_CORE_URL"] = ""  # the embedded scoring core
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import redis  # noqa: E402
import websockets  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bench.support import (  # noqa: E402
    Server,
    _die_with_parent,
    cpu_seconds,
    load_average,
    percentile,
    prepare_database,
    report,
    start_server,
    stop_server,
    wait_healthy,
)

# Seconds. Every wait of the bench is bounded by one of these.
REDIS_START_TIMEOUT = 10
FINISH_TIMEOUT = 120  # residents finishing their last action after --duration
DELIVERY_TIMEOUT = 30  # sockets catching up with the event log at the end
RETRY_DELAY = 1.0
LOGIN_PATH = "/compte/connexion/"
OUTAGE_TAIL = 30  # errors this long after Redis is back count as "during"

# What a resident does after each think time, with its weight.
ACTIONS = {
    "feed": 0.35,
    "post_page": 0.25,
    "post": 0.08,
    "comment": 0.12,
    "chat": 0.10,
    "action": 0.10,
}
# Page kinds of the report, in its order, with the statuses that are a success.
KINDS = {
    "login page": (200,),
    "login": (302,),
    "feed page": (200,),
    "post page": (200,),
    "post write": (302,),
    "comment": (302,),
    "chat page": (200,),
    "chat message": (302,),
    "action form": (200,),
    "action (J'ai agi)": (302,),
}
WRITE_KINDS = ("post write", "comment", "chat message", "action (J'ai agi)")
TOKEN_RE = re.compile(rf"fb-{RUN}-\d+-\d+")
POST_ID_RE = re.compile(r'id="post-(\d+)"')
LIVE_RE = re.compile(r'data-live-stream="(town:\d+)" data-live-since="(\d+)"')
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR_RE = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')
INPUT_RE = re.compile(r"<input\b([^>]*)>", re.I)
TEXTAREA_RE = re.compile(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
SELECT_RE = re.compile(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION_RE = re.compile(r'<option\b[^>]*value="([^"]*)"')
ERRORLIST_RE = re.compile(
    r'<div class="form-errors"[^>]*>(.*?)</div>'
    r'|<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>',
    re.S,
)


# --- the bench's own Redis -----------------------------------------------------------


class OwnRedis:
    """redis-server on REDIS_PORT, no persistence; killed and started again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.log = directory / "redis.log"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    shutil.which("redis-server") or "redis-server",
                    "--bind", "127.0.0.1",
                    "--port", str(REDIS_PORT),
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", str(self.directory),
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )  # fmt: skip
        client = redis.Redis(port=REDIS_PORT, socket_timeout=1)
        deadline = time.monotonic() + REDIS_START_TIMEOUT
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"redis-server did not start on port {REDIS_PORT}: "
                        + self.log.read_text(errors="replace")[-2000:]
                    ) from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# --- the cast ----------------------------------------------------------------------


@dataclass
class Resident:
    index: int
    member_id: int
    email: str
    neighbourhood_id: int
    neighbourhood_slug: str
    room_id: int
    password: str | None  # signs in through the form when set
    cookies: dict[str, str] = field(default_factory=dict)
    server: int = 0
    writes: int = 0
    # Set once the resident is signed in (at once for a written session).
    ready: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Cast:
    residents: list[Resident]
    town_stream: str
    challenge_path: str  # ".../j-ai-agi/"
    post_ids: list[int]
    households: int
    form_logins: int


def make_cast(count: int, form_logins: int) -> Cast:
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    from challenges.models import ChallengePage, Participation
    from challenges.models.pages import Scope
    from community.models import Household, HouseholdStatus, Member, TownPage
    from demo.town import TOWN_SLUG
    from feeds.actions import get_or_create_neighbourhood_room
    from feeds.models import Post, PostTarget

    town = TownPage.objects.get(slug=TOWN_SLUG)
    households = list(
        Household.objects.filter(
            neighbourhood__town=town, status=HouseholdStatus.ACTIVE
        )
        .select_related("neighbourhood")
        .order_by("pk")
    )
    if len(households) < count:
        sys.exit(f"the demo town has {len(households)} active households, "
                 f"fewer than --residents {count}")  # fmt: skip
    households = households[:count]
    first_member: dict[int, Member] = {}
    for member in (
        Member.objects.filter(household__in=households)
        .select_related("user")
        .order_by("pk")
    ):
        first_member.setdefault(member.household_id, member)
    challenge = (
        ChallengePage.objects.live()
        .descendant_of(town)
        .filter(scope=Scope.TOWN)
        .order_by("pk")
        .first()
    )
    if challenge is None:
        sys.exit("the demo town has no town-wide challenge")
    Participation.objects.bulk_create(
        [
            Participation(
                challenge=challenge, household=h, joined_by=first_member[h.pk]
            )
            for h in households
        ],
        ignore_conflicts=True,
    )
    rooms = {
        h.neighbourhood_id: get_or_create_neighbourhood_room(h.neighbourhood).pk
        for h in households
    }
    store = import_module(settings.SESSION_ENGINE).SessionStore
    residents = []
    for index, household in enumerate(households):
        member = first_member[household.pk]
        password = None
        cookies: dict[str, str] = {}
        if index < form_logins:
            password = f"bench-{RUN}-{index}"
            user = member.user
            user.set_password(password)
            User.objects.filter(pk=user.pk).update(password=user.password)
        else:
            session = store()
            session[SESSION_KEY] = str(member.user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
            session.create()
            cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        residents.append(
            Resident(
                index=index,
                member_id=member.pk,
                email=member.user.username,
                neighbourhood_id=household.neighbourhood_id,
                neighbourhood_slug=household.neighbourhood.slug,
                room_id=rooms[household.neighbourhood_id],
                password=password,
                cookies=cookies,
                server=index % 2,
            )
        )
    post_ids = list(
        Post.objects.filter(
            town=town, target__in=(PostTarget.TOWN, PostTarget.NEIGHBOURHOOD)
        )
        .order_by("-pk")
        .values_list("pk", flat=True)[:100]
    )
    connection.close()
    return Cast(
        residents=residents,
        town_stream=f"town:{town.pk}",
        challenge_path=challenge.url + "j-ai-agi/",
        post_ids=post_ids,
        households=len(households),
        form_logins=min(form_logins, count),
    )


# --- figures -----------------------------------------------------------------------


@dataclass
class KindStats:
    expected: tuple[int, ...]
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # no answer, by exception
    during_outage: int = 0  # errors from the kill to OUTAGE_TAIL after the restart
    examples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    @property
    def errors(self) -> int:
        bad = sum(n for s, n in self.statuses.items() if s not in self.expected)
        return bad + sum(self.failures.values())


@dataclass
class Write:
    kind: str
    token: str
    key: str  # client key or idempotency key of the form
    started: float
    attempts: int = 0
    acknowledged: bool = False
    refused: str = ""  # a 4xx answer: the form came back with its error


@dataclass
class Socket:
    resident: Resident
    stream: str = ""
    first_since: int | None = None
    last: int = 0
    received: set[int] = field(default_factory=set)
    duplicates: int = 0
    reloads: int = 0
    # (after, through): event ids a `reload` frame told the client to fetch by
    # reloading the page (too many to replay, realtime.queries): live.js shows
    # a "reload" link, the page has them; not missed, counted apart.
    reloaded: list[tuple[int, int]] = field(default_factory=list)
    connects: int = 0
    close_codes: Counter = field(default_factory=Counter)
    connect_failures: Counter = field(default_factory=Counter)
    error_frames: Counter = field(default_factory=Counter)


class Bench:
    def __init__(self, args, cast: Cast, servers: list[Server], own_redis: OwnRedis):
        self.args = args
        self.cast = cast
        self.servers = servers
        self.redis = own_redis
        self.rng = random.Random(int(RUN, 16))  # noqa: S311 (bench data)
        self.stats = {kind: KindStats(ok) for kind, ok in KINDS.items()}
        self.writes: list[Write] = []
        self.post_sent: dict[str, float] = {}  # token -> first attempt
        self.deliveries: list[tuple[float, bool]] = []  # (latency, in outage window)
        self.sockets: list[Socket] = []
        self.post_ids = list(cast.post_ids)
        self.killed_at: float | None = None
        self.restarted_at: float | None = None
        self.loads: list[tuple[float, str]] = []
        self.stopping = False
        self.clients: list[httpx.AsyncClient] = []

    # --- time and the outage window ---

    def in_outage(self, when: float) -> bool:
        if self.killed_at is None or when < self.killed_at:
            return False
        return self.restarted_at is None or when <= self.restarted_at + OUTAGE_TAIL

    # --- HTTP ---

    async def request(
        self, resident: Resident, kind: str, method: str, path: str, data=None
    ) -> httpx.Response | None:
        stats = self.stats[kind]
        headers = {}
        if resident.cookies:
            headers["Cookie"] = "; ".join(
                f"{k}={v}" for k, v in resident.cookies.items()
            )
        client = self.clients[resident.server]
        began = time.perf_counter()
        try:
            answer = await client.request(method, path, data=data, headers=headers)
        except httpx.HTTPError as error:
            stats.failures[type(error).__name__] += 1
            if self.in_outage(began):
                stats.during_outage += 1
            if len(stats.examples) < 3:
                stats.examples.append(
                    f"{method} {path}: {type(error).__name__} {error}"
                )
            return None
        elapsed = time.perf_counter() - began
        stats.latencies.append(elapsed)
        status = answer.status_code
        if (
            answer.is_redirect
            and answer.headers.get("location", "").startswith(LOGIN_PATH)
            and path != LOGIN_PATH
        ):
            status = "302 to login"  # signed out: an error, whatever the page
        stats.statuses[status] += 1
        for header in answer.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            with contextlib.suppress(Exception):
                jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    resident.cookies.pop(name, None)
                else:
                    resident.cookies[name] = morsel.value
        if status not in stats.expected:
            if self.in_outage(began):
                stats.during_outage += 1
            if len(stats.examples) < 5:
                stats.examples.append(
                    f"{method} {path}: {answer.status_code} {describe(answer)}"
                )
        return answer

    async def submit(self, resident: Resident, kind: str, path: str, data: dict,
                     write: Write) -> httpx.Response | None:  # fmt: skip
        """POST a form; once more with the same data after no answer or a 5xx."""
        self.writes.append(write)
        answer = None
        for attempt in range(2):
            write.attempts = attempt + 1
            answer = await self.request(resident, kind, "POST", path, data)
            if answer is not None and answer.status_code < 500:
                break
            if attempt == 0:
                await asyncio.sleep(RETRY_DELAY)
        if answer is not None and answer.status_code == 302:
            location = answer.headers.get("location", "")
            write.acknowledged = not location.startswith(LOGIN_PATH)
            if not write.acknowledged:
                write.refused = f"302 {describe(answer)}"
        elif answer is not None:
            write.refused = f"{answer.status_code} {describe(answer)}"
        return answer

    def token(self, resident: Resident) -> str:
        resident.writes += 1
        return f"fb-{RUN}-{resident.index}-{resident.writes}"

    def learn_posts(self, text: str) -> None:
        for match in POST_ID_RE.finditer(text[:200_000]):
            post_id = int(match.group(1))
            if post_id not in self.post_ids:
                self.post_ids.append(post_id)
        del self.post_ids[:-300]

    # --- what a resident does ---

    async def login(self, resident: Resident) -> None:
        page = await self.request(resident, "login page", "GET", LOGIN_PATH)
        form = page is not None and find_form(page.text, lambda a, f: "password" in f)
        if form:
            fields = {
                **form[1],
                "username": resident.email,
                "password": resident.password,
            }
            await self.request(resident, "login", "POST", LOGIN_PATH, fields)
        resident.ready.set()

    async def read_feed(self, resident: Resident) -> httpx.Response | None:
        if self.rng.random() < 0.7:
            path = "/fil/commune/"
        else:
            path = f"/quartiers/{resident.neighbourhood_slug}/"
        page = await self.request(resident, "feed page", "GET", path)
        if page is not None and page.status_code == 200:
            self.learn_posts(page.text)
        return page

    async def read_post(self, resident: Resident) -> tuple[int, httpx.Response | None]:
        post_id = self.rng.choice(self.post_ids[-100:])
        page = await self.request(
            resident, "post page", "GET", f"/publications/{post_id}/"
        )
        return post_id, page

    async def write_post(self, resident: Resident) -> None:
        page = await self.request(resident, "feed page", "GET", "/fil/commune/")
        form = page is not None and find_form(
            page.text, lambda action, f: action == "/publications/nouvelle/"
        )
        if not form:
            self.no_form("post write", page)
            return
        self.learn_posts(page.text)
        token = self.token(resident)
        where = "town"
        if self.rng.random() < 0.5:
            where = f"neighbourhood:{resident.neighbourhood_id}"
        data = {
            **form[1],
            "body": f"Bench [{token}] : qui a testé le composteur du quartier ?",
            "where": where,
            "content_warning": "",
        }
        write = Write(
            "post write", token, data.get("client_key", ""), time.perf_counter()
        )
        self.post_sent[token] = write.started
        answer = await self.submit(resident, "post write", "/publications/nouvelle/",
                                   data, write)  # fmt: skip
        if answer is not None and answer.status_code == 302:
            found = re.search(
                r"/publications/(\d+)/", answer.headers.get("location", "")
            )
            if found:
                self.post_ids.append(int(found.group(1)))

    async def comment(self, resident: Resident) -> None:
        post_id, page = await self.read_post(resident)
        path = f"/publications/{post_id}/commenter/"
        form = page is not None and find_form(page.text, lambda a, f: a == path)
        if not form:
            self.no_form("comment", page)
            return
        token = self.token(resident)
        data = {
            **form[1],
            "body": f"Bench [{token}] : merci, bonne idée.",
            "parent": "",
        }
        write = Write("comment", token, data.get("client_key", ""), time.perf_counter())
        await self.submit(resident, "comment", path, data, write)

    async def chat(self, resident: Resident) -> None:
        path = f"/messages/{resident.room_id}/"
        page = await self.request(resident, "chat page", "GET", path)
        form = page is not None and find_form(page.text, lambda a, f: "client_key" in f)
        if not form:
            self.no_form("chat message", page)
            return
        token = self.token(resident)
        data = {**form[1], "body": f"Bench [{token}] : quelqu'un au marché samedi ?"}
        write = Write(
            "chat message", token, data.get("client_key", ""), time.perf_counter()
        )
        await self.submit(resident, "chat message", path, data, write)

    async def log_action(self, resident: Resident) -> None:
        path = self.cast.challenge_path
        page = await self.request(resident, "action form", "GET", path)
        form = page is not None and find_form(
            page.text, lambda a, f: "idempotency_key" in f
        )
        if not form:
            self.no_form("action (J'ai agi)", page)
            return
        fields, options = form[1], form[2]
        choices = [v for v in options.get("action_type", []) if v]
        if not choices:
            self.no_form("action (J'ai agi)", page)
            return
        data = {**fields, "action_type": self.rng.choice(choices)}
        data.pop("photo", None)
        write = Write("action (J'ai agi)", self.token(resident),
                      data.get("idempotency_key", ""), time.perf_counter())  # fmt: skip
        await self.submit(resident, "action (J'ai agi)", path, data, write)

    def no_form(self, kind: str, page: httpx.Response | None) -> None:
        """The page before a write failed or had no form: that write is not sent."""
        stats = self.stats[kind]
        stats.failures["form page failed"] += 1
        if page is not None and len(stats.examples) < 5:
            stats.examples.append(f"form page {page.status_code}: {describe(page)}")

    async def resident_loop(self, resident: Resident, deadline: float) -> None:
        args = self.args
        kinds, weights = list(ACTIONS), list(ACTIONS.values())
        do = {
            "feed": self.read_feed,
            "post_page": self.read_post,
            "post": self.write_post,
            "comment": self.comment,
            "chat": self.chat,
            "action": self.log_action,
        }
        # Arrivals spread over the first think time.
        await asyncio.sleep(self.rng.uniform(0, args.think_max))
        if resident.password:
            await self.login(resident)
        resident.ready.set()
        while time.monotonic() < deadline:
            await do[self.rng.choices(kinds, weights)[0]](resident)
            await asyncio.sleep(self.rng.uniform(args.think_min, args.think_max))

    # --- websockets ---

    async def hold_socket(self, sock: Socket) -> None:
        resident = sock.resident
        await resident.ready.wait()
        await asyncio.sleep(self.rng.uniform(0, self.args.think_max))
        found = None
        for attempt in range(5):  # a resident reloads a page that failed
            page = await self.request(resident, "feed page", "GET", "/fil/commune/")
            found = page is not None and LIVE_RE.search(page.text)
            if found or self.stopping:
                break
            sock.connect_failures["feed page failed"] += 1
            await asyncio.sleep(2**attempt)
        if not found:
            return
        sock.stream, sock.first_since = found.group(1), int(found.group(2))
        sock.last = sock.first_since
        server = self.servers[resident.server]
        backoff = 1.0
        while not self.stopping:
            cookie = "; ".join(f"{k}={v}" for k, v in resident.cookies.items())
            try:
                async with websockets.connect(
                    server.url.replace("http://", "ws://") + "/ws/",
                    origin=server.url,
                    additional_headers={"Cookie": cookie},
                    compression=None,
                    open_timeout=30,
                    ping_interval=None,
                    max_size=2**22,
                ) as ws:
                    sock.connects += 1
                    await ws.send(json.dumps(
                        {"op": "subscribe", "stream": sock.stream, "since": sock.last}
                    ))  # fmt: skip
                    backoff = 1.0
                    try:
                        async for text in ws:
                            self.on_frame(sock, text)
                    except websockets.ConnectionClosed:
                        pass
                    sock.close_codes[ws.close_code] += 1
            except (OSError, TimeoutError, websockets.InvalidHandshake) as error:
                sock.connect_failures[type(error).__name__] += 1
            if self.stopping:
                return
            await asyncio.sleep(backoff * self.rng.uniform(0.5, 1.0))
            backoff = min(8.0, backoff * 2)

    def on_frame(self, sock: Socket, text: str) -> None:
        now = time.perf_counter()
        frame = json.loads(text)
        if frame.get("op") == "error":
            sock.error_frames[frame.get("code")] += 1
            return
        event_id = frame.get("id")
        if frame.get("event") == "reload":
            sock.reloads += 1
            if event_id is not None and event_id > sock.last:
                sock.reloaded.append((sock.last, event_id))
            sock.last = max(sock.last, event_id or 0)
            return
        if event_id in sock.received:
            sock.duplicates += 1
            return
        sock.received.add(event_id)
        sock.last = max(sock.last, event_id)
        if frame.get("event") == "post.created":
            found = TOKEN_RE.search(text)
            sent = found and self.post_sent.get(found.group(0))
            if sent:
                self.deliveries.append((now - sent, self.in_outage(now)))

    # --- the fault ---

    async def fault(self, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        self.loads.append((time.monotonic(), f"before the kill {load_average()}"))
        self.killed_at = time.perf_counter()
        self.redis.kill()
        report(f"{datetime.now(UTC):%H:%M:%S} UTC: Redis (port {REDIS_PORT}) "
               f"killed (SIGKILL), load average {load_average()}")  # fmt: skip
        await asyncio.sleep(self.args.redis_down)
        await asyncio.to_thread(self.redis.start)
        self.restarted_at = time.perf_counter()
        report(f"{datetime.now(UTC):%H:%M:%S} UTC: Redis started again after "
               f"{self.restarted_at - self.killed_at:.1f} s (empty)")  # fmt: skip

    async def sample_load(self) -> None:
        while not self.stopping:
            self.loads.append((time.monotonic(), load_average()))
            await asyncio.sleep(30)

    # --- the run ---

    async def run(self) -> None:
        args = self.args
        limits = httpx.Limits(max_connections=2000, max_keepalive_connections=2000)
        timeout = httpx.Timeout(args.timeout, connect=10)
        self.clients = [
            httpx.AsyncClient(base_url=s.url, limits=limits, timeout=timeout)
            for s in self.servers
        ]
        for client in self.clients:
            # Each resident carries its own cookies (`request`): none shared.
            client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        residents = self.cast.residents
        every = max(1, round(len(residents) / args.sockets)) if args.sockets else 0
        self.sockets = [
            Socket(r) for r in residents[::every][: args.sockets]
        ] if every else []  # fmt: skip
        start = time.monotonic()
        deadline = start + args.duration
        self.started = time.perf_counter()
        report(
            f"{datetime.now(UTC):%H:%M:%S} UTC: {len(residents)} residents "
            f"({len(self.sockets)} with a websocket) for {args.duration:.0f} s, "
            f"think time {args.think_min:g}–{args.think_max:g} s; Redis killed at "
            f"{args.duration / 2:.0f} s for {args.redis_down:g} s"
        )
        background = [
            asyncio.create_task(self.fault(start + args.duration / 2)),
            asyncio.create_task(self.sample_load()),
        ]
        socket_tasks = [asyncio.create_task(self.hold_socket(s)) for s in self.sockets]
        try:
            loops = [
                asyncio.create_task(self.resident_loop(r, deadline)) for r in residents
            ]
            done, pending = await asyncio.wait(
                loops, timeout=args.duration + args.think_max + FINISH_TIMEOUT
            )
            for task in pending:
                task.cancel()
            for task in done:
                if task.exception() is not None:
                    report(f"a resident's task failed: {task.exception()!r}")
            self.unfinished = len(pending)
            self.wall = time.perf_counter() - self.started
            report(f"{datetime.now(UTC):%H:%M:%S} UTC: residents done "
                   f"({self.wall:.0f} s, {len(pending)} cancelled)")  # fmt: skip
            await asyncio.wait(background[:1], timeout=30)
            # The sockets catch up with the log, then close.
            self.final_id = await sync_to_async(latest_id, thread_sensitive=True)(
                self.cast.town_stream
            )
            until = time.monotonic() + DELIVERY_TIMEOUT
            while time.monotonic() < until and any(
                s.stream and s.last < self.final_id for s in self.sockets
            ):
                await asyncio.sleep(0.5)
        finally:
            self.stopping = True
            for task in [*socket_tasks, *background]:
                task.cancel()
            await asyncio.gather(*socket_tasks, *background, return_exceptions=True)
            for client in self.clients:
                await client.aclose()


def latest_id(stream: str) -> int:
    from realtime.models import Event

    found = (
        Event.objects.filter(stream=stream)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    connection.close()
    return found or 0


def find_form(page: str, wanted):
    """(action, fields, select options) of the first form `wanted(action, fields)`."""
    for attributes, body in FORM_RE.findall(page):
        attrs = dict(ATTR_RE.findall(attributes))
        action = html.unescape(attrs.get("action", ""))
        fields: dict[str, str] = {}
        options: dict[str, list[str]] = {}
        for tag in INPUT_RE.findall(body):
            attr = dict(ATTR_RE.findall(tag))
            name = attr.get("name")
            if not name or attr.get("type") in ("submit", "file", "checkbox"):
                continue
            fields[name] = html.unescape(attr.get("value", ""))
        for name, text in TEXTAREA_RE.findall(body):
            fields[name] = html.unescape(text)
        for name, text in SELECT_RE.findall(body):
            options[name] = [html.unescape(v) for v in OPTION_RE.findall(text)]
            fields.setdefault(name, options[name][0] if options[name] else "")
        if wanted(action, fields):
            return action, fields, options
    return None


def describe(answer: httpx.Response) -> str:
    """A short reason: a form's error list, a redirect's target, or the title."""
    if answer.is_redirect:
        return "→ " + answer.headers.get("location", "")
    text = answer.text
    errors = [" ".join(found) for found in ERRORLIST_RE.findall(text)]
    if errors:
        words = re.sub(r"<[^>]+>|\s+", " ", " ".join(errors))
        return "form error: " + html.unescape(" ".join(words.split()))[:200]
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    if title:
        return "page « " + " ".join(title.group(1).split())[:120] + " »"
    return repr(text[:120])


# --- what the database holds -------------------------------------------------------


def stored_writes(bench: Bench) -> dict[str, dict]:
    """Per kind of write: how many of the run's writes the database holds, and how."""
    from challenges.models import LoggedAction
    from feeds.models import ChatMessage, Comment, Post

    marker = f"fb-{RUN}-"
    by_token: dict[str, Counter] = {}
    by_key: dict[str, Counter] = {}
    for kind, model in (
        ("post write", Post),
        ("comment", Comment),
        ("chat message", ChatMessage),
    ):
        tokens, keys = Counter(), Counter()
        for body, key in model.objects.filter(body__contains=marker).values_list(
            "body", "client_key"
        ):
            found = TOKEN_RE.search(body)
            if found:
                tokens[found.group(0)] += 1
            keys[key] += 1
        by_token[kind], by_key[kind] = tokens, keys
    action_keys = [w.key for w in bench.writes if w.kind == "action (J'ai agi)"]
    statuses: Counter = Counter()
    keys = Counter()
    for key, status in LoggedAction.objects.filter(
        idempotency_key__in=action_keys
    ).values_list("idempotency_key", "status"):
        keys[key] += 1
        statuses[status] += 1
    by_key["action (J'ai agi)"] = keys
    connection.close()

    result = {}
    for kind in WRITE_KINDS:
        writes = [w for w in bench.writes if w.kind == kind]
        keys = by_key.get(kind, Counter())
        tokens = by_token.get(kind)

        def stored(write: Write, tokens=tokens, keys=keys) -> int:
            if tokens is not None:
                return max(tokens[write.token], keys[write.key])
            return keys[write.key]

        counts = [(w, stored(w)) for w in writes]
        result[kind] = {
            "sent": len(writes),
            "retried": sum(1 for w in writes if w.attempts > 1),
            "acknowledged": sum(1 for w in writes if w.acknowledged),
            "refused": sum(1 for w in writes if w.refused),
            "stored": sum(1 for _, n in counts if n),
            "lost": sum(1 for w, n in counts if w.acknowledged and not n),
            "failed, not stored": sum(
                1 for w, n in counts if not w.acknowledged and not n
            ),
            "failed, yet stored": sum(1 for w, n in counts if not w.acknowledged and n),
            "duplicated": sum(1 for _, n in counts if n > 1),
            "refusals": Counter(w.refused[:150] for w in writes if w.refused),
            "statuses": statuses if kind == "action (J'ai agi)" else None,
            "lost writes": [
                f"{w.token} key {w.key} attempts {w.attempts}"
                for w, n in counts
                if w.acknowledged and not n
            ][:5],
        }
    return result


def socket_figures(bench: Bench) -> dict:
    from realtime.models import Event

    sockets = [s for s in bench.sockets if s.stream]
    if not sockets:
        return {}
    lowest = min(s.first_since for s in sockets)
    ids = list(
        Event.objects.filter(
            stream=sockets[0].stream, id__gt=lowest, id__lte=bench.final_id
        ).values_list("id", flat=True)
    )
    connection.close()
    expected = received = missed = by_reload = 0
    missing_sockets = 0
    silent = 0
    examples = []
    for sock in sockets:
        wanted = {i for i in ids if i > sock.first_since}
        got = sock.received & wanted
        expected += len(wanted)
        received += len(got)
        reloaded = {
            i
            for i in wanted - got
            if any(after < i <= through for after, through in sock.reloaded)
        }
        by_reload += len(reloaded)
        got |= reloaded
        missed += len(wanted) - len(got)
        missing_sockets += bool(wanted - got)
        silent += bool(wanted) and not got
        if wanted - got and len(examples) < 5:
            examples.append(
                f"resident {sock.resident.index} on server {'AB'[sock.resident.server]}"
                f": since {sock.first_since}, last {sock.last}, got {len(got)} of "
                f"{len(wanted)} (first missing {min(wanted - got)}), connections "
                f"{sock.connects}, closes {dict(sock.close_codes)}, failures "
                f"{dict(sock.connect_failures)}"
            )
    closes, failures, errors = Counter(), Counter(), Counter()
    for sock in bench.sockets:
        closes.update(sock.close_codes)
        failures.update(sock.connect_failures)
        errors.update(sock.error_frames)
    return {
        "sockets": len(sockets),
        "events in the log": len(ids),
        "expected": expected,
        "received": received,
        "missed": missed,
        "shown by a page reload": by_reload,
        "sockets missing some": missing_sockets,
        "duplicates": sum(s.duplicates for s in sockets),
        "reloads": sum(s.reloads for s in sockets),
        "connections": sum(s.connects for s in sockets),
        "reconnected": sum(1 for s in sockets if s.connects > 1),
        "close codes": dict(closes),
        "failed connects": dict(failures),
        "error frames": dict(errors),
        "examples": examples,
        "silent": silent,
        "not subscribed": len(bench.sockets) - len(sockets),
    }


# --- the report --------------------------------------------------------------------


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def print_report(bench: Bench, cpu: dict[str, float]) -> None:
    report()
    total = sum(stats.requests for stats in bench.stats.values())
    report(f"HTTP requests: {total} in {bench.wall:.0f} s, {total / bench.wall:.1f} "
           f"a second over both uvicorn processes")  # fmt: skip
    report("page kind | requests | errors (by status / failure) | 500s | "
           "errors during outage | p50 ms | p99 ms | max ms")  # fmt: skip
    for kind, stats in bench.stats.items():
        if not stats.requests:
            continue
        bad = {str(s): n for s, n in sorted(stats.statuses.items(), key=str)
               if s not in stats.expected}  # fmt: skip
        bad.update(stats.failures)
        lat = stats.latencies
        report(
            f"{kind} | {stats.requests} | {stats.errors} {bad or ''} | "
            f"{stats.statuses.get(500, 0)} | {stats.during_outage} | "
            + (
                f"{fmt_ms(statistics.median(lat))} | {fmt_ms(percentile(lat, 0.99))} | "
                f"{fmt_ms(max(lat))}"
                if lat
                else "- | - | -"
            )
        )
    deliveries = [d for d, _ in bench.deliveries]
    outside = [d for d, during in bench.deliveries if not during]
    figures = socket_figures(bench)
    if deliveries:
        report(
            f"websocket delivery (post.created, first POST attempt → frame) | "
            f"{len(deliveries)} | missed {figures.get('missed')} | - | "
            f"{sum(1 for _, d in bench.deliveries if d)} in the outage window | "
            f"{fmt_ms(statistics.median(deliveries))} | "
            f"{fmt_ms(percentile(deliveries, 0.99))} | {fmt_ms(max(deliveries))}"
        )
        if outside:
            report(
                f"  outside the outage window: p50 {fmt_ms(statistics.median(outside))}"
                f" ms, p99 {fmt_ms(percentile(outside, 0.99))} ms (n={len(outside)})"
            )
    for kind, stats in bench.stats.items():
        for example in stats.examples[:3]:
            report(f"  {kind}, e.g.: {example}")

    report()
    report("writes | sent | retried | acknowledged (302) | refused (4xx) | stored | "
           "lost (acknowledged, not stored) | failed, not stored | failed, yet "
           "stored | duplicated")  # fmt: skip
    for kind, row in stored_writes(bench).items():
        report(
            f"{kind} | {row['sent']} | {row['retried']} | {row['acknowledged']} | "
            f"{row['refused']} | {row['stored']} | {row['lost']} | "
            f"{row['failed, not stored']} | {row['failed, yet stored']} | "
            f"{row['duplicated']}"
        )
        for refusal, count in row["refusals"].most_common(3):
            report(f"  refused ×{count}: {refusal}")
        for lost in row["lost writes"]:
            report(f"  lost: {lost}")
        if row["statuses"]:
            report(f"  logged actions by status: {dict(row['statuses'])}")

    report()
    if figures:
        report(
            f"websocket events (town stream, {figures['events in the log']} events "
            f"in the log during the run): expected {figures['expected']} over "
            f"{figures['sockets']} sockets, received {figures['received']}, shown "
            f"by a page reload {figures['shown by a page reload']}, missed "
            f"{figures['missed']} ({figures['sockets missing some']} sockets missing "
            f"some), duplicates {figures['duplicates']}, reload frames "
            f"{figures['reloads']}; sockets that got none of their events: "
            f"{figures['silent']}; sockets that never subscribed (feed page "
            f"failed 5 times): {figures['not subscribed']}"
        )
        report(
            f"  connections {figures['connections']} ({figures['reconnected']} "
            f"sockets reconnected), close codes {figures['close codes']}, failed "
            f"connects {figures['failed connects']}, error frames "
            f"{figures['error frames']}"
        )
        for example in figures["examples"]:
            report(f"  missing: {example}")
    else:
        report("websocket events: no socket subscribed")
    report()
    report("CPU during the run: " + ", ".join(f"{k} {v:.0f} s" for k, v in cpu.items())
           + f" in {bench.wall:.0f} s wall")  # fmt: skip
    report("load average (1, 5, 15 min) during the run: "
           + "; ".join(load for _, load in bench.loads))  # fmt: skip


def log_summary(server: Server, name: str) -> None:
    text = server.log.read_text(errors="replace") if server.log.exists() else ""
    lines = text.splitlines()
    server_errors = Counter()
    exceptions = Counter()
    warnings = Counter()
    for number, line in enumerate(lines):
        if " ERROR django.request: " in line:
            server_errors[re.sub(r"\d+", "N", line.split(": ", 1)[1])[:120]] += 1
        elif " WARNING " in line or " ERROR " in line:
            warnings[re.sub(r"\d+", "N", line.split(" ", 3)[-1])[:140]] += 1
        if line.startswith("Traceback"):
            for after in lines[number + 1 : number + 200]:
                if after and not after.startswith((" ", "Traceback", "During", "The ")):
                    exceptions[after[:160]] += 1
                    break
    report(f"uvicorn {name} log ({server.log}): {len(lines)} lines, "
           f"{sum(server_errors.values())} 5xx logged by django.request")  # fmt: skip
    for message, count in server_errors.most_common(6):
        report(f"  5xx ×{count}: {message}")
    for message, count in exceptions.most_common(6):
        report(f"  exception ×{count}: {message}")
    for message, count in warnings.most_common(8):
        report(f"  log ×{count}: {message}")


# --- main --------------------------------------------------------------------------


def limit_connections(limit: int) -> None:
    """At most `limit` connections to the bench database (-1: no limit).

    The PostgreSQL server is shared (max_connections 100 on the test machine):
    each request a uvicorn process serves at once holds a connection of its own,
    and 600 residents can keep hundreds waiting. Past the limit a request gets
    PostgreSQL's "too many connections" (the site's 503) instead of taking the
    slots other databases need.
    """
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{DB_NAME}" CONNECTION LIMIT {int(limit)}')
    report(f"bench database {DB_NAME}: at most {limit} connections")


def server_env(db_pool: int) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.fault_settings",
        "FAULT_BENCH_BASE_SETTINGS": settings.SETTINGS_MODULE,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ELASTICSEARCH_URL": "",
        "SEARCH_INDEX_PREFIX": os.environ["SEARCH_INDEX_PREFIX"],
        "SCORING_CORE_URL": "",
        "DB_POOL_MAX_SIZE": str(db_pool),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=600)
    parser.add_argument("--duration", type=float, default=600, help="seconds")
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--think-min", type=float, default=10, help="seconds")
    parser.add_argument("--think-max", type=float, default=20, help="seconds")
    parser.add_argument("--form-logins", type=int, default=20)
    parser.add_argument("--redis-down", type=float, default=5, help="seconds")
    parser.add_argument(
        "--db-connections",
        type=int,
        default=60,
        help="connection limit of the bench database (-1: none)",
    )
    parser.add_argument(
        "--db-pool",
        type=int,
        default=20,
        help="psycopg pool size per uvicorn process (DB_POOL_MAX_SIZE; 0: none, "
        "a connection per request in progress)",
    )
    parser.add_argument("--timeout", type=float, default=60, help="HTTP, seconds")
    parser.add_argument("--reuse-db", action="store_true",
                        help="keep the bench database if it exists")  # fmt: skip
    parser.add_argument("--log-dir", type=Path, default=None,
                        help="where the uvicorn and Redis logs are kept "
                             "(default: a new /tmp/fault-bench-<run>/)")  # fmt: skip
    args = parser.parse_args()
    args.sockets = min(args.sockets, args.residents)

    logs = args.log_dir or Path(f"/tmp/fault-bench-{RUN}")  # noqa: S108
    logs.mkdir(parents=True, exist_ok=True)
    report(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, run {RUN}, load average "
           f"{load_average()}, {os.cpu_count()} CPUs; logs in {logs}; database "
           f"pool {args.db_pool or 'off'} per process")  # fmt: skip
    own_redis = OwnRedis(logs)
    # SIGTERM (a killed `make`) unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    servers: list[Server] = []
    try:
        own_redis.start()
        report(f"own Redis on port {REDIS_PORT}")
        prepare_database(PG_SERVER, DB_NAME, reuse=args.reuse_db)
        limit_connections(args.db_connections)
        began = time.perf_counter()
        cast = make_cast(args.residents, args.form_logins)
        report(
            f"{cast.households} households joined the town challenge; "
            f"{len(cast.residents) - cast.form_logins} sessions written with the "
            f"session engine, {cast.form_logins} residents sign in through the "
            f"login form ({time.perf_counter() - began:.1f} s)"
        )
        env = server_env(args.db_pool)
        servers = [start_server(logs / f"uvicorn-{name}.log", env) for name in "AB"]
        for server in servers:
            wait_healthy(server)
        report("uvicorn A " + servers[0].url + ", uvicorn B " + servers[1].url)
        bench = Bench(args, cast, servers, own_redis)
        pids = {"uvicorn A": servers[0].process.pid,
                "uvicorn B": servers[1].process.pid,
                "bench": os.getpid()}  # fmt: skip
        cpu_start = {name: cpu_seconds(pid) for name, pid in pids.items()}
        asyncio.run(bench.run())
        cpu = {name: cpu_seconds(pid) - cpu_start[name] for name, pid in pids.items()}
        print_report(bench, cpu)
        for server, name in zip(servers, "AB", strict=True):
            if server.process.poll() is not None:
                report(f"uvicorn {name} exited with {server.process.poll()}")
            log_summary(server, name)
    except BaseException:
        for server in servers:
            report(f"--- uvicorn log {server.url} (last lines)\n{server.tail()}")
        raise
    finally:
        for server in servers:
            stop_server(server)
        own_redis.kill()
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
