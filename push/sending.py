"""Sending pushes: after the commit, off the request's critical path.

`push_after_commit` is called by common.notify inside the action's transaction;
on commit the batch goes to one background dispatcher thread (a bounded queue),
which reads the recipients' devices and preferences in one query, builds each
payload and hands the HTTP requests to a bounded pool of sender threads sharing
one `requests.Session` (kept-alive connections to each push service). Outcomes
come back to the dispatcher, which writes them in three statements: devices
answered 404/410 are deleted, successes refresh `last_used_at`, other failures
are counted and logged, never raised. With SMARTCITIZEN["PUSH_INLINE"] (the
tests) the committing thread delivers the batch itself.

A push is best effort: the notification row is the record. A process stopping
with batches still queued loses those pushes, never the notifications.
"""

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException
from requests.adapters import HTTPAdapter

from push.models import PushDevice, PushPreference
from push.payloads import VERB_KINDS, Payload, build_payload

logger = logging.getLogger(__name__)

SENT, GONE, FAILED = "sent", "gone", "failed"
REQUEST_TIMEOUT = 10  # seconds, per push
QUEUE_BATCHES = 1000
# A signed VAPID token is reused for this long per push service (it is valid
# for 12 hours; signing costs an ECDSA signature).
TOKEN_REUSE_SECONDS = 3600

Item = tuple[int, str, dict]  # (recipient user id, verb, notification data)


@dataclass(frozen=True)
class Job:
    device_id: int
    subscription: dict
    payload: Payload


def enabled() -> bool:
    """Push is offered only with both VAPID keys set."""
    config = settings.SMARTCITIZEN
    return bool(config["VAPID_PUBLIC_KEY"] and config["VAPID_PRIVATE_KEY"])


def push_after_commit(items: Iterable[Item], excerpt: Callable[[dict], str]) -> None:
    """Push these notifications once the current transaction commits."""
    if not enabled():
        return
    batch = [item for item in items if item[1] in VERB_KINDS]
    if batch:
        transaction.on_commit(lambda: _dispatch(batch, excerpt))


def _dispatch(batch: list[Item], excerpt: Callable[[dict], str]) -> None:
    if settings.SMARTCITIZEN["PUSH_INLINE"]:
        deliver(batch, excerpt)
        return
    try:
        _queue.put_nowait((batch, excerpt))
    except queue.Full:
        logger.warning("Push queue full: %d pushes dropped.", len(batch))
        return
    _ensure_dispatcher()


_queue: queue.Queue = queue.Queue(maxsize=QUEUE_BATCHES)
_lock = threading.Lock()
_state: dict = {}


def _ensure_dispatcher() -> None:
    with _lock:
        thread = _state.get("dispatcher")
        if thread is None or not thread.is_alive():
            thread = threading.Thread(
                target=_dispatch_forever, name="push-dispatcher", daemon=True
            )
            _state["dispatcher"] = thread
            thread.start()


def _dispatch_forever() -> None:
    while True:
        batch, excerpt = _queue.get()
        # The batches one commit queued arrive together: send them as one.
        while True:
            try:
                more, _excerpt = _queue.get_nowait()
            except queue.Empty:
                break
            batch = batch + more
        try:
            deliver(batch, excerpt)
        except Exception:
            logger.exception("Push batch of %d failed.", len(batch))
        finally:
            close_old_connections()


def _pool() -> tuple[ThreadPoolExecutor, requests.Session]:
    with _lock:
        if "pool" not in _state:
            size = max(1, settings.SMARTCITIZEN["PUSH_CONCURRENCY"])
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=8, pool_maxsize=size)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _state["session"] = session
            _state["pool"] = ThreadPoolExecutor(size, thread_name_prefix="push")
        return _state["pool"], _state["session"]


def _vapid_headers(endpoint: str) -> dict[str, str]:
    """The VAPID Authorization header for this endpoint's push service."""
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    now = time.time()
    with _lock:
        key = settings.SMARTCITIZEN["VAPID_PRIVATE_KEY"]
        if _state.get("vapid_source") != key:
            _state["vapid"] = Vapid02.from_string(key)
            _state["vapid_source"] = key
            _state["tokens"] = {}
        cached = _state["tokens"].get(audience)
        if cached is not None and cached[0] > now:
            return cached[1]
        headers = _state["vapid"].sign(
            {
                "sub": settings.SMARTCITIZEN["VAPID_SUBJECT"],
                "aud": audience,
                "exp": int(now) + 12 * 3600,
            }
        )
        _state["tokens"][audience] = (now + TOKEN_REUSE_SECONDS, headers)
        return headers


def _send(job: Job) -> str:
    """One push through the member's push service; never raises."""
    _executor, session = _pool()
    headers = {**_vapid_headers(job.subscription["endpoint"])}
    # The encrypted body is opaque bytes (RFC 8291); some services want it said.
    headers["Content-Type"] = "application/octet-stream"
    headers["Urgency"] = job.payload.urgency
    if job.payload.topic:
        headers["Topic"] = job.payload.topic
    try:
        response = WebPusher(job.subscription, requests_session=session).send(
            job.payload.json(),
            headers,
            ttl=settings.SMARTCITIZEN["PUSH_TTL"],
            timeout=REQUEST_TIMEOUT,
        )
    except (WebPushException, requests.RequestException, ValueError) as error:
        logger.warning("Push to device %d failed: %s", job.device_id, error)
        return FAILED
    except Exception:
        # A push never breaks the sender: anything else is logged too.
        logger.exception("Push to device %d failed.", job.device_id)
        return FAILED
    if response.status_code in (404, 410):
        return GONE
    if response.status_code >= 300:
        logger.warning(
            "Push to device %d refused: %d %s",
            job.device_id,
            response.status_code,
            response.text[:200],
        )
        return FAILED
    return SENT


def jobs_for(batch: list[Item], excerpt: Callable[[dict], str]) -> list[Job]:
    """One job per device of each recipient whose preferences allow the push."""
    user_ids = {user_id for user_id, _verb, _data in batch}
    devices: dict[int, list[PushDevice]] = {}
    for device in PushDevice.objects.filter(
        member__user_id__in=user_ids
    ).select_related("member", "member__push_preference"):
        devices.setdefault(device.member.user_id, []).append(device)
    jobs = []
    for user_id, verb, data in batch:
        held = devices.get(user_id, [])
        if not held:
            continue
        member = held[0].member
        try:
            preference = member.push_preference
        except PushPreference.DoesNotExist:
            preference = PushPreference(member=member)
        payload = build_payload(
            verb, data, preference, member.preferred_language, excerpt
        )
        if payload is None:
            continue
        jobs.extend(
            Job(
                device.pk,
                {
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                },
                payload,
            )
            for device in held
        )
    return jobs


def deliver(batch: list[Item], excerpt: Callable[[dict], str]) -> Counter:
    """Send a batch now, concurrently; record the outcomes; count them."""
    jobs = jobs_for(batch, excerpt)
    if not jobs:
        return Counter()
    pool, _session = _pool()
    outcomes = list(zip(jobs, pool.map(_send, jobs), strict=True))
    record_outcomes(outcomes)
    return Counter(outcome for _job, outcome in outcomes)


def record_outcomes(outcomes: list[tuple[Job, str]]) -> None:
    """Delete the devices gone, refresh those reached, count failures."""
    by_outcome: dict[str, set[int]] = {SENT: set(), GONE: set(), FAILED: set()}
    for job, outcome in outcomes:
        by_outcome[outcome].add(job.device_id)
    # A device reached once in the batch is fine, whatever else happened.
    by_outcome[FAILED] -= by_outcome[SENT] | by_outcome[GONE]
    if by_outcome[GONE]:
        PushDevice.objects.filter(pk__in=by_outcome[GONE]).delete()
    if by_outcome[SENT]:
        PushDevice.objects.filter(pk__in=by_outcome[SENT]).update(
            last_used_at=timezone.now(), failures=0
        )
    if by_outcome[FAILED]:
        PushDevice.objects.filter(pk__in=by_outcome[FAILED]).update(
            failures=F("failures") + 1
        )
