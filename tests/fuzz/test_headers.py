"""Request headers and bodies a browser would never send, on a few pages and
forms, as a visitor and a resident: never a server error.

Headers arrive from the server decoded as latin-1 (WSGI and ASGI both), so any
text is sent the way a real server would hand it over.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.routes import SPECIAL_TEXT, text_values
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES_PER_ROUTE = 20
HOSTS = [
    *settings.ALLOWED_HOSTS,
    "localhost:8000",
    "127.0.0.1:80",
    "TESTSERVER",
    "testserver.",
    "evil.example",
    "testserver:abc",
    "",
    "[::1]",
]
CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "text/xml",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=" + "b" * 300,
    "application/x-www-form-urlencoded; charset=unknown-8",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/octet-stream",
    "",
    "garbage",
]
BODIES = [
    b"",
    b"{}",
    b'{"body": "Bonjour", "where": "town"}',
    b"[1, 2, 3]",
    b"\xff\xfe\x00\x00",
    b"body=%zz&where=%",
    b"=&&=&body",
    b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nBonjour\r\n--x--',
    b"--x\r\nbroken",
    b"<xml>" * 200,
    b"a=" + b"b" * 20_000,
]


def header_text() -> st.SearchStrategy[str]:
    """Any text, as a server hands a header over (its UTF-8 bytes as latin-1)."""
    texts = st.one_of(
        text_values(),
        st.sampled_from(["x" * 10_000, "é" * 300, *SPECIAL_TEXT]),
    )
    return texts.map(lambda t: t.encode("utf-8", "surrogatepass").decode("latin-1"))


@st.composite
def header_sets(draw, session: str | None) -> dict[str, str]:
    """Some of: Accept-Language, Cookie, Referer, Host, X-Forwarded-For,
    User-Agent, Accept, Origin."""
    chosen: dict[str, str] = {}
    if draw(st.booleans()):
        chosen["HTTP_ACCEPT_LANGUAGE"] = draw(
            st.sampled_from(["fr-FR,fr;q=0.9", "*", "en;q=abc", "xx-YY", ",,;"])
            | header_text()
        )
    if draw(st.booleans()):
        garbage = draw(
            st.sampled_from(
                [
                    "sessionid=",
                    f"{settings.SESSION_COOKIE_NAME}=abc",
                    "csrftoken=" + "z" * 300,
                    "django_language=xx",
                    "django_language=" + "é" * 50,
                    ";;;=;",
                    "a=b; " * 200,
                ]
            )
            | header_text()
        )
        # The real session stays, so a resident is still logged in.
        keep = f"{settings.SESSION_COOKIE_NAME}={session}; " if session else ""
        chosen["HTTP_COOKIE"] = keep + garbage
    if draw(st.booleans()):
        chosen["HTTP_REFERER"] = draw(
            st.sampled_from(
                ["https://testserver/fil/", "http://[::1", "javascript:alert(1)"]
            )
            | header_text()
        )
    if draw(st.booleans()):
        chosen["HTTP_HOST"] = draw(st.sampled_from(HOSTS))
    if draw(st.booleans()):
        chosen["HTTP_X_FORWARDED_FOR"] = draw(
            st.sampled_from(
                ["203.0.113.7", "::1, 10.0.0.1", "unknown", ", ,", "1.2.3.4, " * 100]
            )
            | header_text()
        )
    for name in ("HTTP_USER_AGENT", "HTTP_ACCEPT", "HTTP_ORIGIN"):
        if draw(st.booleans()):
            chosen[name] = draw(header_text())
    return chosen


def clients(world: World) -> dict[str, Client]:
    anonymous, resident = Client(), Client()
    resident.force_login(world.resident.user)
    return {"anonymous": anonymous, "resident": resident}


def session_of(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def test_no_header_or_body_answers_a_server_error(world: World):
    by_role = clients(world)
    gets = [
        "/",
        reverse("feeds:town"),
        reverse("feeds:post", args=[world.post.pk]),
        reverse("login"),
        reverse("search:page") + "?q=eau",
        world.tip.url,
    ]
    posts = [
        reverse("login"),
        reverse("signup"),
        reverse("feeds:create"),
        reverse("feeds:comment", args=[world.post.pk]),
        reverse("moderation:report", args=["post", world.post.pk]),
    ]
    checked = []

    def check(role: str, method: str, path: str) -> None:
        client = by_role[role]

        @fuzz_settings(EXAMPLES_PER_ROUTE)
        @given(
            headers=header_sets(session_of(client)),
            content_type=st.sampled_from(CONTENT_TYPES),
            body=st.sampled_from(BODIES) | st.binary(max_size=200),
        )
        def one(headers: dict[str, str], content_type: str, body: bytes) -> None:
            if role == "resident" and "_auth_user_id" not in client.session:
                client.force_login(world.resident.user)
            with transaction.atomic():
                try:
                    if method == "GET":
                        response = client.get(path, **headers)
                    else:
                        response = client.generic(
                            "POST", path, body, content_type=content_type, **headers
                        )
                except Exception as error:
                    raise AssertionError(
                        f"{role} {method} {path} raised {type(error).__name__}: "
                        f"{error}\nheaders: {headers!r:.600}\n"
                        f"content type: {content_type!r} body: {body!r:.200}"
                    ) from error
                transaction.set_rollback(True)
            assert response.status_code < 500, (
                f"{role} {method} {path} answered {response.status_code}\n"
                f"headers: {headers!r:.600}\n"
                f"content type: {content_type!r} body: {body!r:.200}"
            )
            checked.append(response.status_code)

        one()

    failures = []
    for role in by_role:
        for method, routes in (("GET", gets), ("POST", posts)):
            for path in routes:
                try:
                    check(role, method, path)
                except AssertionError as error:
                    failures.append(str(error))
    print(f"\nfuzz: {len(checked)} generated header requests")  # noqa: T201
    assert not failures, "\n\n".join(failures)
    assert len(checked) >= 300
