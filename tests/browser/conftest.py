"""Real-browser tests: the real ASGI application served by the site's server
(`python -m config.server`, uvicorn) on loopback, driven by Debian's Chromium
through Playwright (docs/testing.md).

- `asgi_server` (session): the server in a subprocess, on the pytest-django test
  database and the test Redis, for the whole run.
- `live_db`, `live_town`, `live_neighbourhood` (function): data the server can
  see. The test is transactional (what it writes is committed), and it starts
  from the rows the migrations wrote (Wagtail's root page, the default site, the
  role groups), which the previous transactional test flushed.
- `browser` (session), `new_context`, `page`, `phone_page` (function): Chromium,
  a fresh French-speaking context per test. Playwright runs in a thread of its
  own (support.PlaywrightThread says why); check pages with `support.expect`.

A missing Chromium, Playwright or axe-core fails the tests, never skips them.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from community.models import Neighbourhood, TownPage
from tests.browser.support import PlaywrightThread, Remote, mark_without_javascript
from tests.factories import NeighbourhoodFactory, make_town
from tests.support import site_server

# The Chromium binary of Debian's `chromium` package. /usr/bin/chromium is a
# shell wrapper around it that adds the flags of /etc/chromium.d (extensions,
# GPU rasterisation); the tests launch the binary with their own flags only.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Milliseconds: a page of this site answers in well under a second; waiting the
# default 30 s on a missing element only slows a failing run down.
ACTION_TIMEOUT_MS = 10_000

server_log_key = pytest.StashKey[Path]()
reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.fixture(scope="session")
def asgi_server(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """config.asgi's application under the site's server, on the test database;
    its base URL (tests/support/site_server.py)."""
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    request.config.stash[server_log_key] = log_path
    try:
        with site_server.serve(log_path) as server:
            yield server.url
    except site_server.ServerFailed as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module", autouse=True)
def _migrated_rows_restored(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """After each module of browser tests, put back the rows the migrations wrote.

    Each transactional test ends with a flush; `serialized_rollback` restores the
    rows at the start of the next such test only. Later transactional tests of
    other directories (they run after these, in file order) expect the migrated
    database, as they would find it had no browser test run before them; and a
    database kept with `--reuse-db` is serialized, at the next run, as it was
    left.
    """
    yield
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def live_db(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """A database the server process shares: committed writes, migrated rows.

    Equivalent to `@pytest.mark.django_db(transaction=True,
    serialized_rollback=True)`; modules of browser tests carry that mark too.
    """


@pytest.fixture
def live_town(live_db: None, asgi_server: str) -> TownPage:
    """A town at the root of the default site, which the server answers for."""
    return make_town("Val-Test")


@pytest.fixture
def live_neighbourhood(live_town: TownPage) -> Neighbourhood:
    return NeighbourhoodFactory(town=live_town, name="Les Tilleuls")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with a fresh profile (Playwright's default: a
    temporary user-data directory, removed at the end)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `bash scripts/system-packages.sh "
            "chromium` (`make test` does it). Never `playwright install`.",
            pytrace=False,
        )
    thread = PlaywrightThread()
    playwright = thread.run(lambda: sync_playwright().start())
    try:
        chromium = thread.run(
            lambda: playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        )
        yield Remote(thread, chromium)
        thread.run(chromium.close)
    finally:
        thread.run(playwright.stop)
        thread.stop()


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest,
    browser: Browser,
    asgi_server: str,
    tmp_path: Path,
) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context: French, on the server's base URL (so that
    `page.goto("/compte/connexion/")` works); keyword arguments override, e.g.
    `java_script_enabled=False`. Closed after the test, with a screenshot of each
    of its pages when the test failed."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options = {
            "locale": "fr-FR",
            "timezone_id": "Europe/Paris",
            "base_url": asgi_server,
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        if options.get("java_script_enabled") is False:
            mark_without_javascript(context)
        contexts.append(context)
        return context

    yield make

    call = request.node.stash.get(reports_key, {}).get("call")
    for number, context in enumerate(contexts):
        if call is not None and call.failed:
            for index, page in enumerate(context.pages):
                shot = tmp_path / f"context{number}-page{index}.png"
                page.screenshot(path=shot, full_page=True)
                print(f"Screenshot of {page.url}: {shot}")  # noqa: T201
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh desktop context (1280×720)."""
    return new_context().new_page()


@pytest.fixture
def phone_page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh phone-sized context (375×667, touch), as ambassadors use."""
    return new_context(**PHONE).new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report for the fixtures; add the server's log to failures."""
    report = yield
    item.stash.setdefault(reports_key, {})[report.when] = report
    log_path = item.config.stash.get(server_log_key, None)
    if report.failed and log_path is not None:
        report.sections.append(("server log (last lines)", site_server.tail(log_path)))
    return report
