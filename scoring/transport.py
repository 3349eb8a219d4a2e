"""The HTTP side of `scoring.client`: one remote scoring core, reached with requests.

- Deadline: a call, retries included, takes at most
  `SMARTCITIZEN["SCORING_TIMEOUT"]` seconds (plus a few milliseconds): each
  attempt gets what is left of that budget, to connect, between bytes and for
  the whole body. A core that hangs costs one timeout, not one per attempt.
- Retries: every v1 call is idempotent (GETs by nature, POSTs by their
  mandatory idempotency key), so connection errors, timeouts and 5xx answers
  are retried `SCORING_RETRIES` times with exponential backoff and jitter,
  while the budget lasts. 4xx answers are never retried: they are the core's
  final word.
- Circuit breaker: a call that ends unavailable opens the breaker for
  `SCORING_BREAKER_SECONDS`; meanwhile every call fails at once with
  `ScoringUnavailable` (cached GET answers are still served). Then one call
  (half-open) tries the core: an answer closes the breaker, a failure opens it
  again. The state is shared by the threads of a process (a lock) and, while
  the cache answers, by every process (Redis in production); with the cache
  down each process keeps its own.
- Cache: GET answers are kept `SCORING_CACHE_SECONDS` in Django's cache; a
  write drops that household's cached points, and a `fresh` GET (the live
  leaderboard after a change) bypasses and refreshes the cached answer. A cache
  that is down is skipped. A household's readings (`use_cache=False`) are never
  cached: large answers, read once.
- Anything else that goes wrong ends as `ScoringUnavailable`.
"""

import hashlib
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import requests
from django.conf import settings
from django.core.cache import cache

from scoring.errors import ScoringError, ScoringUnavailable, error_from_body

logger = logging.getLogger(__name__)
CACHE_PREFIX = "scoring:v1:"
# An attempt is not started with less time than this left before the deadline.
MIN_ATTEMPT_SECONDS = 0.05
# How long the shared breaker state outlives its open period ("half-open").
BREAKER_MEMORY_SECONDS = 3600
_local = threading.local()


def _session() -> requests.Session:
    # A Session reuses connections but is not thread-safe: one per thread.
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _options() -> dict:
    conf = settings.SMARTCITIZEN
    return {
        "timeout": float(conf["SCORING_TIMEOUT"]),
        "retries": int(conf["SCORING_RETRIES"]),
        "backoff": float(conf["SCORING_BACKOFF"]),
        "cache_seconds": int(conf["SCORING_CACHE_SECONDS"]),
        "breaker_seconds": float(conf.get("SCORING_BREAKER_SECONDS", 30)),
    }


def url_for(path: str, params: dict | None = None) -> str:
    base = settings.SCORING_CORE_URL.rstrip("/") + "/"
    query = {k: v for k, v in (params or {}).items() if v is not None}
    return base + path + (f"?{urlencode(query)}" if query else "")


def segment(value: object) -> str:
    """A path segment, quoted: ids never reshape the URL."""
    return quote(str(value), safe="")


def _cache_key(url: str) -> str:
    return CACHE_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def _cache_get(url: str) -> dict | None:
    try:
        return cache.get(_cache_key(url))
    except Exception:  # a cache that is down only costs a request
        logger.warning("scoring cache unreachable", exc_info=True)
        return None


def _cache_set(url: str, body: dict, seconds: int) -> None:
    try:
        cache.set(_cache_key(url), body, timeout=seconds)
    except Exception:
        logger.warning("scoring cache unreachable", exc_info=True)


def forget(path: str, params: dict | None = None) -> None:
    """Drop a cached GET answer, after a write that changed it."""
    try:
        cache.delete(_cache_key(url_for(path, params)))
    except Exception:
        logger.warning("scoring cache unreachable", exc_info=True)


# --- circuit breaker ---------------------------------------------------------


@dataclass
class _Breaker:
    """This process's view of one core; guarded by `_breakers_lock`."""

    tripped: bool = False  # a call failed and no call has succeeded since
    open_until: float = 0.0  # time.monotonic(): fail fast until then
    trial: bool = False  # a half-open trial call is in flight


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _base() -> str:
    return settings.SCORING_CORE_URL.rstrip("/") + "/"


def _breaker_key(base: str, part: str) -> str:
    return f"{CACHE_PREFIX}breaker:{part}:" + hashlib.sha256(base.encode()).hexdigest()


def _state(base: str) -> _Breaker:
    # Caller holds _breakers_lock.
    return _breakers.setdefault(base, _Breaker())


def _shared_open_until(base: str) -> float | None:
    """The wall-clock end of the open period another process set, or None.

    None as well when the cache is down: each process then has its own breaker.
    """
    try:
        value = cache.get(_breaker_key(base, "open"))
    except Exception:
        logger.warning("scoring cache unreachable", exc_info=True)
        return None
    return float(value) if isinstance(value, int | float) else None


def _claim_shared_trial(base: str, seconds: float) -> bool:
    """One process makes the half-open trial; a cache that is down lets each try."""
    try:
        return bool(cache.add(_breaker_key(base, "trial"), 1, timeout=int(seconds) + 2))
    except Exception:
        logger.warning("scoring cache unreachable", exc_info=True)
        return True


def _admit(base: str, options: dict) -> bool:
    """Let a call through (True when it is the half-open trial) or fail it fast."""
    seconds = options["breaker_seconds"]
    if seconds <= 0:
        return False
    shared = _shared_open_until(base)
    now = time.monotonic()
    with _breakers_lock:
        state = _state(base)
        if shared is not None:
            # Another process (or this one) tripped it: adopt its open period.
            state.tripped = True
            state.open_until = max(state.open_until, now + shared - time.time())
        if not state.tripped:
            return False
        if now < state.open_until or state.trial:
            raise ScoringUnavailable("circuit open")
        state.trial = True
    if shared is not None and not _claim_shared_trial(base, options["timeout"]):
        with _breakers_lock:
            _state(base).trial = False
        raise ScoringUnavailable("circuit open")
    return True


def _record(base: str, options: dict, *, answered: bool) -> None:
    """Close the breaker after an answer, open it after an unavailable call."""
    seconds = options["breaker_seconds"]
    if seconds <= 0:
        return
    with _breakers_lock:
        state = _state(base)
        was_tripped = state.tripped
        state.trial = False
        state.tripped = not answered
        state.open_until = 0.0 if answered else time.monotonic() + seconds
    try:
        if answered:
            if was_tripped:
                cache.delete_many(
                    [_breaker_key(base, "open"), _breaker_key(base, "trial")]
                )
            return
        # Kept past the open period: its presence then means "half-open".
        cache.set(
            _breaker_key(base, "open"),
            time.time() + seconds,
            timeout=int(seconds) + BREAKER_MEMORY_SECONDS,
        )
        cache.delete(_breaker_key(base, "trial"))
    except Exception:
        logger.warning("scoring cache unreachable", exc_info=True)


def is_open() -> bool:
    """True while calls to the configured core fail fast (nothing is sent)."""
    if not settings.SCORING_CORE_URL:
        return False
    base = _base()
    shared = _shared_open_until(base)
    if shared is not None:
        return time.time() < shared
    with _breakers_lock:
        return time.monotonic() < _state(base).open_until


def reset_breaker() -> None:
    """Forget every failure (tests, and an operator's shell after a fix)."""
    with _breakers_lock:
        _breakers.clear()
    if settings.SCORING_CORE_URL:
        base = _base()
        try:
            cache.delete_many([_breaker_key(base, "open"), _breaker_key(base, "trial")])
        except Exception:
            logger.warning("scoring cache unreachable", exc_info=True)


# --- sending ------------------------------------------------------------------


class _Late(Exception):
    """The body was still arriving when the call's deadline passed."""


def _read_body(response: requests.Response, deadline: float) -> bytes:
    # The read timeout bounds each gap between bytes; this bounds their sum, so
    # a core that drips its answer cannot hold a page either.
    chunks = []
    for chunk in response.iter_content(chunk_size=16384):
        chunks.append(chunk)
        if time.monotonic() > deadline:
            response.close()
            raise _Late
    return b"".join(chunks)


def _attempt(
    method: str, url: str, body: dict | None, deadline: float
) -> tuple[requests.Response | None, bytes | str]:
    """One request within the deadline: (status, payload) or a reason it failed."""
    headers = {
        "Authorization": f"Bearer {settings.SCORING_CORE_TOKEN}",
        "Accept": "application/json",
    }
    left = max(deadline - time.monotonic(), MIN_ATTEMPT_SECONDS)
    try:
        response = _session().request(
            method,
            url,
            json=body,
            headers=headers,
            timeout=(left, left),
            stream=True,
        )
        with response:
            content = _read_body(response, deadline)
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"
    except _Late:
        return None, "Timeout: the answer took longer than the deadline"
    return response, content


def _send(method: str, url: str, body: dict | None) -> dict:
    options = _options()
    base = _base()
    trial = _admit(base, options)
    answered = False
    try:
        payload = _send_within_deadline(method, url, body, options)
        answered = True
    except ScoringUnavailable:
        _record(base, options, answered=False)
        raise
    except ScoringError:
        # A refusal (4xx) is an answer: the core is up.
        answered = True
        raise
    finally:
        if answered:
            _record(base, options, answered=True)
        elif trial:
            with _breakers_lock:
                _state(base).trial = False
    if trial:
        logger.info("scoring core answers again")
    return payload


def _send_within_deadline(
    method: str, url: str, body: dict | None, options: dict
) -> dict:
    started = time.monotonic()
    deadline = started + options["timeout"]
    attempts = 1 + max(0, options["retries"])
    reason = ""
    tried = 0
    for attempt in range(attempts):
        if attempt:
            delay = options["backoff"] * 2 ** (attempt - 1)
            delay += random.uniform(0, delay / 2)  # noqa: S311 (jitter)
            # A retry that could not finish before the deadline is not made.
            if time.monotonic() + delay + MIN_ATTEMPT_SECONDS > deadline:
                break
            time.sleep(delay)
        tried += 1
        response, content = _attempt(method, url, body, deadline)
        if response is None:
            reason = content
            if time.monotonic() >= deadline:
                break
            continue
        if response.status_code >= 500:
            reason = f"HTTP {response.status_code}"
            continue
        try:
            payload = json.loads(content)
        except ValueError:
            raise ScoringUnavailable(f"HTTP {response.status_code}: not JSON") from None
        if response.status_code == 401:
            # The site's own configuration is wrong: no page can fix that.
            logger.error("scoring core refused our token: %s", payload)
            raise ScoringUnavailable("HTTP 401")
        if response.status_code >= 400:
            raise error_from_body(response.status_code, payload)
        if not isinstance(payload, dict):
            raise ScoringUnavailable("answer is not a JSON object")
        return payload
    logger.warning(
        "scoring core unavailable after %d attempts in %.1f s: %s",
        tried,
        time.monotonic() - started,
        reason,
    )
    raise ScoringUnavailable(reason)


def get(
    path: str,
    params: dict | None = None,
    *,
    fresh: bool = False,
    use_cache: bool = True,
) -> dict:
    """GET a contract path, from the cache when it is fresh.

    `fresh=True` skips the cached answer and stores the new one, so that the
    next plain GET (a page view) sees it too. `use_cache=False` neither reads nor
    stores a cached answer (large answers read once, such as a year of
    readings for « Mes données »).
    """
    url = url_for(path, params)
    cached = None if fresh or not use_cache else _cache_get(url)
    if cached is not None:
        return cached
    body = _send("GET", url, None)
    seconds = _options()["cache_seconds"]
    if use_cache and seconds > 0:
        _cache_set(url, body, seconds)
    return body


def post(path: str, body: dict) -> dict:
    """POST a body that carries an idempotency key (hence safe to retry)."""
    return _send("POST", url_for(path), body)


def delete(path: str) -> dict:
    """DELETE a contract path (idempotent, hence safe to retry)."""
    return _send("DELETE", url_for(path), None)
