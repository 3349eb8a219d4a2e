"""The scoring API is answered before the page middleware (scoring/api/middleware.py).

What those middleware gave an API answer must still be there; pages keep the
whole chain.
"""

import pytest
from django.db import OperationalError

from scoring.api import middleware, views

from .conftest import TOKEN

pytestmark = pytest.mark.django_db
API = "/api/scoring/v1/"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_an_api_answer_keeps_its_headers(client, api_token):
    answer = client.get(API, **AUTH)
    assert answer.status_code == 200
    assert answer.json() == {"service": "smart-citizen-scoring", "version": "1"}
    assert answer["Content-Length"] == str(len(answer.content))
    assert answer["Content-Type"] == "application/json"
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )
    assert answer["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware
    assert "no-cache" in answer["Cache-Control"]  # never_cache
    assert answer["Content-Language"] == "fr"  # TownLanguageMiddleware
    # No session, CSRF or message cookie is ever set by the API.
    assert not answer.cookies


def test_the_api_answers_in_the_language_of_the_cookie(client, api_token, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.get(API + "nulle/part", **AUTH)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_path"
    assert answer["Content-Language"] == "en"


def test_an_unknown_api_path_is_json_without_a_redirect_lookup(
    client, api_token, django_assert_num_queries
):
    with django_assert_num_queries(0):
        answer = client.get(API + "nulle/part", **AUTH)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_path"


def test_a_host_not_allowed_is_refused_as_on_pages(client, api_token):
    answer = client.get(API, HTTP_HOST="ailleurs.example", **AUTH)
    assert answer.status_code == 400


def test_the_database_out_of_reach_is_the_json_503(client, api_token, monkeypatch):
    def refused(body):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.contract, "log_action", refused)
    answer = client.post(API + "actions", "{}", content_type="application/json", **AUTH)
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "unavailable"
    assert answer["Retry-After"]


def test_pages_keep_the_whole_chain(client):
    page = client.get("/compte/connexion/")
    assert page.status_code == 200
    assert page["Content-Security-Policy"] != middleware.API_CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert "csrftoken" in page.cookies  # CsrfViewMiddleware ran
