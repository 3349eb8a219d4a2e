"""The HTTP side of `scoring.client`: one remote scoring core, reached with requests.

- Timeout: `SMARTCITIZEN["SCORING_TIMEOUT"]` seconds to connect and again
  between bytes of the answer, per attempt.
- Retries: every v1 call is idempotent (GETs by nature, POSTs by their
  mandatory idempotency key), so connection errors, timeouts and 5xx answers
  are retried `SCORING_RETRIES` times with exponential backoff and jitter.
  4xx answers are never retried: they are the core's final word.
- Cache: GET answers are kept `SCORING_CACHE_SECONDS` in Django's cache; a
  write drops that household's cached points, and a `fresh` GET (the live
  leaderboard after a change) bypasses and refreshes the cached answer. A cache
  that is down is skipped.
- Anything else that goes wrong ends as `ScoringUnavailable`.
"""

import hashlib
import logging
import random
import threading
import time
from urllib.parse import quote, urlencode

import requests
from django.conf import settings
from django.core.cache import cache

from scoring.errors import ScoringUnavailable, error_from_body

logger = logging.getLogger(__name__)
CACHE_PREFIX = "scoring:v1:"
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


def forget(path: str) -> None:
    """Drop a cached GET answer, after a write that changed it."""
    try:
        cache.delete(_cache_key(url_for(path)))
    except Exception:
        logger.warning("scoring cache unreachable", exc_info=True)


def _send(method: str, url: str, body: dict | None) -> dict:
    options = _options()
    headers = {
        "Authorization": f"Bearer {settings.SCORING_CORE_TOKEN}",
        "Accept": "application/json",
    }
    attempts = 1 + max(0, options["retries"])
    reason = ""
    for attempt in range(attempts):
        if attempt:
            delay = options["backoff"] * 2 ** (attempt - 1)
            time.sleep(delay + random.uniform(0, delay / 2))  # noqa: S311 (jitter)
        try:
            response = _session().request(
                method,
                url,
                json=body,
                headers=headers,
                timeout=(options["timeout"], options["timeout"]),
            )
        except requests.RequestException as error:
            reason = f"{type(error).__name__}: {error}"
            continue
        if response.status_code >= 500:
            reason = f"HTTP {response.status_code}"
            continue
        try:
            payload = response.json()
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
    logger.warning("scoring core unavailable after %d attempts: %s", attempts, reason)
    raise ScoringUnavailable(reason)


def get(path: str, params: dict | None = None, *, fresh: bool = False) -> dict:
    """GET a contract path, from the cache when it is fresh.

    `fresh=True` skips the cached answer and stores the new one, so that the
    next plain GET (a page view) sees it too.
    """
    url = url_for(path, params)
    cached = None if fresh else _cache_get(url)
    if cached is not None:
        return cached
    body = _send("GET", url, None)
    seconds = _options()["cache_seconds"]
    if seconds > 0:
        _cache_set(url, body, seconds)
    return body


def post(path: str, body: dict) -> dict:
    """POST a body that carries an idempotency key (hence safe to retry)."""
    return _send("POST", url_for(path), body)


def delete(path: str) -> dict:
    """DELETE a contract path (idempotent, hence safe to retry)."""
    return _send("DELETE", url_for(path), None)
