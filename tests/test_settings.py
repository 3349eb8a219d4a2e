"""Production settings refuse to start on a guess; with real values they pass
`check --deploy`. Run in subprocesses: settings load once per process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "-production-test-key-" + "x" * 20


def run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(  # noqa: S603
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["-c", "import django; django.setup()"], ALLOWED_HOSTS="ville.fr")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run(
        ["-c", "import django; django.setup()"],
        SECRET_KEY="short",
        ALLOWED_HOSTS="ville.fr",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run(["-c", "import django; django.setup()"], SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_check_deploy_passes_with_production_values(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="smartcitizen.val-de-lys.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json
import django

django.setup()
from django.conf import settings
from django.test import Client

client = Client()
plain = client.get("/healthz")
secure = client.get("/healthz", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "xfo": secure.get("X-Frame-Options", ""),
    "nosniff": secure.get("X-Content-Type-Options", ""),
    "cookies": {
        "session_secure": settings.SESSION_COOKIE_SECURE,
        "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
        "csrf_secure": settings.CSRF_COOKIE_SECURE,
        "language_secure": settings.LANGUAGE_COOKIE_SECURE,
    },
    "upload_limits": [
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
    ],
}))
"""


def test_production_answers_with_the_security_headers(tmp_path):
    """HTTPS redirect, HSTS, CSP, clickjacking and cookie flags, as served."""
    import json

    result = run(
        ["-c", PROBE],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        REDIS_URL="",
        ELASTICSEARCH_URL="",
        SCORING_CORE_URL="",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 301
    assert seen["plain_location"].startswith("https://testserver/")
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    assert "'unsafe-inline'" not in seen["csp"]
    assert "frame-ancestors 'none'" in seen["csp"]
    assert seen["xfo"] == "DENY"
    assert seen["nosniff"] == "nosniff"
    assert all(seen["cookies"].values()), seen["cookies"]
    assert all(0 < limit <= 20 * 1024 * 1024 for limit in seen["upload_limits"])
