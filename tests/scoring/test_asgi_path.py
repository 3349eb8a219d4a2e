"""The scoring API through config.asgi's application (`SyncPathHandler`, issue 14).

`python -m config.server` serves this application: the API's requests run
Django's synchronous chain in one call on a thread kept by the process, not
through Django's ASGI handler. The answers, the queries and the signals must be
those of the ordinary path. Pages go the same way (tests/test_asgi_handler.py).
"""

import json
import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.testing import ApplicationCommunicator
from django.core import signals
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import asgi
from scoring.api import middleware, views
from scoring.models import HouseholdBalance, LedgerEntry

from .conftest import TOKEN
from .test_action_path import ACTION_QUERIES, REPLAY_QUERIES

pytestmark = pytest.mark.django_db(transaction=True)
ACTIONS = "/api/scoring/v1/actions"
WHEN = (timezone.now() - timedelta(hours=1)).isoformat()


def action(household, key: str) -> bytes:
    return json.dumps(
        {
            "household_id": household.public_id,
            "action": "velo-travail",
            "domain": "transport",
            "occurred_at": WHEN,
            "idempotency_key": key,
        }
    ).encode()


@async_to_sync
async def call(
    method: str, path: str, chunks: tuple[bytes, ...] = (b"",), cookie: str = ""
) -> tuple[int, dict[str, str], bytes]:
    """One request to config.asgi's application, its body sent in `chunks`."""
    headers = [
        (b"host", b"testserver"),
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(sum(map(len, chunks))).encode()),
    ]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
    }
    communicator = ApplicationCommunicator(asgi.application, scope)
    for index, chunk in enumerate(chunks):
        more = index < len(chunks) - 1
        await communicator.send_input(
            {"type": "http.request", "body": chunk, "more_body": more}
        )
    start = await communicator.receive_output(timeout=10)
    assert start["type"] == "http.response.start"
    body = b""
    while True:
        part = await communicator.receive_output(timeout=10)
        body += part["body"]
        if not part.get("more_body"):
            break
    await communicator.wait(timeout=10)
    answer_headers: dict[str, str] = {}
    for name, value in start["headers"]:  # repeated headers joined by a newline
        key = name.decode().lower()
        answer_headers[key] = "\n".join(
            filter(None, (answer_headers.get(key), value.decode()))
        )
    return start["status"], answer_headers, body


@pytest.fixture
def threads_of_the_view(monkeypatch) -> list[str]:
    """The name of the thread each `POST actions` view ran on."""
    names: list[str] = []
    log_action = views.contract.log_action

    def recording(body):
        names.append(threading.current_thread().name)
        return log_action(body)

    monkeypatch.setattr(views.contract, "log_action", recording)
    return names


def test_an_action_is_served_on_a_kept_thread_with_the_api_headers(
    api_token, household, catalogue, threads_of_the_view
):
    status, headers, body = call("POST", ACTIONS, (action(household, "k1"),))
    assert status == 201, body
    assert json.loads(body)["points_awarded"] == 40
    assert headers["content-length"] == str(len(body))
    assert headers["content-type"] == "application/json"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == middleware.API_CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert "no-cache" in headers["cache-control"]
    assert headers["content-language"] == "fr"
    assert "set-cookie" not in headers
    # The replay answers the first award, from the same kind of thread.
    status, _, body = call("POST", ACTIONS, (action(household, "k1"),))
    assert status == 200
    assert json.loads(body)["replayed"] is True
    assert LedgerEntry.objects.filter(household=household).count() == 1
    assert HouseholdBalance.objects.get(household=household).balance == 40
    assert len(threads_of_the_view) == 2
    assert all(name.startswith("sync-http") for name in threads_of_the_view)


def test_the_asgi_path_runs_the_queries_of_the_action_path(
    api_token, household, catalogue, monkeypatch
):
    counts: list[int] = []
    get_response = asgi.sync_path_app.get_response

    def counted(request):
        # On the request's own thread, where its connection is.
        with CaptureQueriesContext(connection) as queries:
            response = get_response(request)
        counts.append(len(queries))
        return response

    monkeypatch.setattr(asgi.sync_path_app, "get_response", counted)
    assert call("POST", ACTIONS, (action(household, "k1"),))[0] == 201
    assert call("POST", ACTIONS, (action(household, "k2"),))[0] == 201
    assert call("POST", ACTIONS, (action(household, "k1"),))[0] == 200
    assert counts == [ACTION_QUERIES, ACTION_QUERIES, REPLAY_QUERIES]


def test_each_request_sends_the_request_signals_once(api_token, household, catalogue):
    sent: list[str] = []

    def started(**kwargs):
        sent.append("started")

    def finished(**kwargs):
        sent.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        call("POST", ACTIONS, (action(household, "k1"),))
        call("GET", "/api/scoring/v1/")
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert sent == ["started", "finished"] * 2


def test_a_body_sent_in_parts_is_read_whole(api_token, household, catalogue):
    body = action(household, "k1")
    status, _, answer = call("POST", ACTIONS, (body[:10], body[10:40], body[40:]))
    assert status == 201, answer
    assert LedgerEntry.objects.filter(household=household).count() == 1


def test_the_language_of_one_request_does_not_stay_on_the_thread(api_token, settings):
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}=en"
    status, headers, _ = call("GET", "/api/scoring/v1/nulle/part", cookie=cookie)
    assert (status, headers["content-language"]) == (404, "en")
    status, headers, _ = call("GET", "/api/scoring/v1/nulle/part")
    assert (status, headers["content-language"]) == (404, "fr")


def test_the_database_out_of_reach_is_the_json_503(api_token, monkeypatch):
    def refused(body):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.contract, "log_action", refused)
    status, headers, body = call("POST", ACTIONS, (b"{}",))
    assert status == 503
    assert json.loads(body)["error"]["code"] == "unavailable"
    assert headers["retry-after"]


def test_pages_go_through_the_same_handler(monkeypatch):
    served: list[str] = []

    async def sync_path(scope, receive, send):
        served.append(scope["path"])
        await handler(scope, receive, send)

    handler = asgi.sync_path_app
    monkeypatch.setattr(asgi, "sync_path_app", sync_path)
    status, headers, _ = call("GET", "/compte/connexion/")
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "csrftoken" in headers["set-cookie"]
    assert call("GET", "/api/scoring/v1/nulle/part")[0] == 404
    assert served == ["/compte/connexion/", "/api/scoring/v1/nulle/part"]
