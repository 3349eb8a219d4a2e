"""`make screenshots`: full-page PNGs of the main pages, phone and desktop.

Into screenshots/<width>x<height>/<page>.png (not committed), so that anyone can
look at the site before and after a change. Against SCREENSHOTS_URL when it is
set (a running demo site, e.g. `make run`); otherwise the demo town is built in
a temporary directory (SQLite database, media, private files: migrate, then
seed_demo) and served there by `manage.py runserver` on a free loopback port,
with the dev settings, for the time of the run.

Playwright's Python package (in .venv) drives Debian's Chromium, as the browser
tests do (tests/browser/conftest.py); no browser is downloaded.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))  # run as a script: the project's packages too
from tests.browser.support import login  # noqa: E402  (the browser tests' login)

OUT_DIR = Path(os.environ.get("SCREENSHOTS_DIR", BASE_DIR / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
SIZES = [(375, 667), (1280, 800)]
SERVER_START_TIMEOUT = 60  # seconds: Django and Wagtail import, then the checks

# The demo accounts of README.md (demo passwords, for the demo only).
RESIDENT = ("anne.martin@demo.smartcitizen.fr", "demo-habitant-2026")
AMBASSADOR = ("lea.ambassadrice@demo.smartcitizen.fr", "demo-ambassade-2026")
MODERATOR = ("claire.moderatrice@demo.smartcitizen.fr", "demo-moderation-2026")

# (account or None for a visitor, page name, path); "{post}" is the first post
# of the resident's feed, found at run time.
PAGES = [
    (None, "home", "/"),
    (None, "login", "/compte/connexion/"),
    (RESIDENT, "home-member", "/"),
    (RESIDENT, "welcome-domains", "/bienvenue/domaines/"),
    (RESIDENT, "welcome-challenge", "/bienvenue/defi/"),
    (RESIDENT, "feed", "/fil/"),
    (RESIDENT, "post", "{post}"),
    (RESIDENT, "tips", "/astuces/"),
    (RESIDENT, "challenges", "/defis/"),
    (RESIDENT, "leaderboard", "{challenge}classement/"),
    (RESIDENT, "dashboard", "/foyer/tableau-de-bord/"),
    (RESIDENT, "rewards", "/recompenses/"),
    (RESIDENT, "household", "/foyer/"),
    (RESIDENT, "notifications", "/notifications/"),
    (RESIDENT, "messages", "/messages/"),
    (RESIDENT, "search", "/search/?q=eau"),
    (AMBASSADOR, "ambassador-tour", "/ambassadeurs/tournee/"),
    (AMBASSADOR, "pre-registration", "/ambassadeurs/tournee/foyers/nouveau/"),
    (MODERATOR, "moderation-queue", "/admin/moderation/file/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"runserver stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"runserver did not answer at {url} in {SERVER_START_TIMEOUT} s")


@contextmanager
def demo_site() -> Iterator[str]:
    """The demo town in a temporary directory, served by runserver; its URL."""
    workdir = Path(tempfile.mkdtemp(prefix="sc-screenshots-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_ROOT": str(workdir / "private"),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    log_path = workdir / "server.log"
    process = None
    try:
        print("Building the demo town (migrate, seed_demo: about a minute)…")  # noqa: T201
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--if-empty"]):
            subprocess.run([*manage, *command], env=env, cwd=BASE_DIR, check=True)  # noqa: S603
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603
                [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
                env=env,
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(url, process)
        yield url
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def first_link(page: Page, base_url: str, path: str, pattern: str) -> str:
    """The first link of a page whose path matches `pattern`."""
    page.goto(f"{base_url}{path}")
    for href in page.eval_on_selector_all(
        "main a[href]", "links => links.map(link => link.getAttribute('href'))"
    ):
        if re.fullmatch(pattern, href):
            return href
    sys.exit(f"no link matching {pattern} on {path}")


def shoot(browser: Browser, base_url: str) -> list[Path]:
    saved = []
    for width, height in SIZES:
        folder = OUT_DIR / f"{width}x{height}"
        folder.mkdir(parents=True, exist_ok=True)
        pages_by_account: dict = {}
        for account, name, path in PAGES:
            if account not in pages_by_account:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="fr-FR",
                    timezone_id="Europe/Paris",
                )
                page = context.new_page()
                if account is not None:
                    login(page, base_url, *account)
                pages_by_account[account] = page
            page = pages_by_account[account]
            if "{post}" in path:
                path = first_link(page, base_url, "/fil/", r"/publications/\d+/")
            if "{challenge}" in path:
                challenge = first_link(page, base_url, "/defis/", r"/defis/[\w-]+/")
                path = path.replace("{challenge}", challenge)
            response = page.goto(f"{base_url}{path}")
            status = response.status if response else "?"
            target = folder / f"{name}.png"
            page.screenshot(path=target, full_page=True)
            print(f"{width}x{height} {name} ({path}, {status}): {target}")  # noqa: T201
            saved.append(target)
        for page in pages_by_account.values():
            page.context.close()
    return saved


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            if url := os.environ.get("SCREENSHOTS_URL"):
                saved = shoot(browser, url.rstrip("/"))
            else:
                with demo_site() as url:
                    saved = shoot(browser, url)
        finally:
            browser.close()
    print(f"{len(saved)} screenshots in {OUT_DIR}")  # noqa: T201


if __name__ == "__main__":
    main()
