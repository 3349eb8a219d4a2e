"""Helpers of the real-browser tests: Playwright in a thread of its own, `expect`,
axe-core, logging in. The fixtures that start the server and the browser are in
conftest.py; docs/testing.md explains the whole set-up."""

import json
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect as playwright_expect

AXE_PATH = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Impacts that fail a test; "minor" and "moderate" findings are printed only.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# What axe checks: WCAG 2.0/2.1 A and AA, the bar of DESIGN.md, plus axe's best
# practices (landmarks, one h1, skip link target…).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


class PlaywrightThread:
    """One thread that makes every Playwright call, one at a time.

    Playwright's sync API marks its event loop as running in the thread that
    started it, for as long as it runs. In the test's thread that would make
    Django take the test for async code: asgiref's locals switch the ORM to
    another connection object (one without the serialized rows of
    `serialized_rollback`), the ORM's async-safety checks refuse to run, and
    `async_to_sync` (used by `realtime.publish`) refuses too; asyncio tests run
    later would find a loop already running. Here the test's thread stays a plain
    sync thread, and the browser can live for the whole session.
    """

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        # A daemon: a call stuck in the browser must not keep pytest from exiting.
        self._thread = threading.Thread(
            target=self._serve, name="playwright", daemon=True
        )
        self._thread.start()

    def _serve(self) -> None:
        while (call := self._calls.get()) is not None:
            future, function, args, kwargs = call
            try:
                future.set_result(function(*args, **kwargs))
            except BaseException as error:  # handed to the caller, re-raised there
                future.set_exception(error)

    def run(self, function: Callable, *args: Any, **kwargs: Any) -> Any:
        """Call `function` in the Playwright thread and return its result."""
        if threading.current_thread() is self._thread:
            # A Playwright callback (an event handler, a route) that calls back.
            return function(*args, **kwargs)
        future: Future = Future()
        self._calls.put((future, function, args, kwargs))
        return future.result()

    def stop(self) -> None:
        self._calls.put(None)
        self._thread.join(timeout=10)


class Remote:
    """A Playwright object used from the test's thread: each attribute read and
    method call runs in the Playwright thread, and what it returns comes back
    wrapped the same way. Tests use it as the object itself (`page.goto(…)`,
    `page.get_by_role(…).click()`, `with page.expect_navigation():`), and check
    it with this module's `expect`, not Playwright's."""

    __slots__ = ("_playwright_thread", "_target")

    def __init__(self, thread: PlaywrightThread, target: Any) -> None:
        object.__setattr__(self, "_playwright_thread", thread)
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        thread = self._playwright_thread
        value = thread.run(getattr, self._target, name)
        if callable(value) and not isinstance(value, type):

            def call(*args: Any, **kwargs: Any) -> Any:
                return wrap(thread, thread.run(value, *unwrap(args), **unwrap(kwargs)))

            call.__name__ = name
            return call
        return wrap(thread, value)

    def __setattr__(self, name: str, value: Any) -> None:
        self._playwright_thread.run(setattr, self._target, name, unwrap(value))

    # Python looks special methods up on the type, never through __getattr__.
    def __enter__(self) -> Any:
        target = self._target
        return wrap(self._playwright_thread, self._playwright_thread.run(
            type(target).__enter__, target
        ))  # fmt: skip

    def __exit__(self, *exc_info: Any) -> Any:
        target = self._target
        return self._playwright_thread.run(type(target).__exit__, target, *exc_info)

    def __repr__(self) -> str:
        return repr(self._target)


def wrap(thread: PlaywrightThread, value: Any) -> Any:
    """Playwright objects, also inside lists, tuples and dicts, as `Remote`s."""
    if isinstance(value, Remote):
        return value
    if isinstance(value, list | tuple):
        return type(value)(wrap(thread, item) for item in value)
    if isinstance(value, dict):
        return {key: wrap(thread, item) for key, item in value.items()}
    if type(value).__module__.startswith("playwright."):
        return Remote(thread, value)
    return value


def unwrap(value: Any) -> Any:
    """The Playwright objects behind `Remote`s, to pass back to Playwright."""
    if isinstance(value, Remote):
        return value._target
    if isinstance(value, list | tuple):
        return type(value)(unwrap(item) for item in value)
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    return value


def expect(actual: Any, message: str | None = None) -> Any:
    """Playwright's `expect`, on a page, locator or response of the fixtures."""
    if not isinstance(actual, Remote):
        raise TypeError(
            f"expect() takes what the browser fixtures give, not {actual!r}"
        )
    thread = actual._playwright_thread
    return wrap(thread, thread.run(playwright_expect, actual._target, message))


@cache
def axe_source() -> str:
    """axe-core's script, from the npm package pinned in tests/browser/package.json."""
    if not AXE_PATH.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_PATH}): run `npm ci --prefix tests/browser` "
            "(`make test` does it).",
            pytrace=False,
        )
    return AXE_PATH.read_text(encoding="utf-8")


# Browser contexts made with `java_script_enabled=False` (conftest's new_context).
_contexts_without_javascript: weakref.WeakSet = weakref.WeakSet()


def mark_without_javascript(context: Any) -> None:
    _contexts_without_javascript.add(unwrap(context))


def axe_check(page: Page, *, context: str | None = None) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations.

    The script goes in through `page.evaluate`, which the page's
    Content-Security-Policy does not govern (`page.add_script_tag(content=…)`
    would be refused by a policy without 'unsafe-inline'). `context` is a CSS
    selector to limit the check to.
    """
    if unwrap(page.context) in _contexts_without_javascript:
        return _axe_check_replayed(page, context)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # The script is one expression (axe's UMD wrapper), evaluated as it is;
        # it attaches `window.axe`.
        page.evaluate(axe_source())
    results = page.evaluate(
        """([context, tags]) => window.axe.run(
            context ? document.querySelector(context) : document,
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}
        )""",
        [context, AXE_TAGS],
    )
    return results["violations"]


def _axe_check_replayed(page: Page, context: str | None) -> list[dict]:
    """axe on a page without JavaScript, which cannot run it (an evaluate there
    would wait forever): the same HTML at the same URL, in a twin page that runs
    scripts, at the same size, with the server's stylesheets."""
    html, url = page.content(), page.url
    twin_context = page.context.browser.new_context(
        viewport=page.viewport_size, locale="fr-FR"
    )
    try:
        twin = twin_context.new_page()
        twin.route(
            lambda address: address == url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        twin.goto(url)
        return axe_check(twin, context=context)
    finally:
        twin_context.close()


def describe(violations: list[dict]) -> str:
    """A readable account of axe violations: rule, impact, help, each node."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n      ")
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, *, context: str | None = None) -> list[dict]:
    """Fail on any serious or critical axe violation; print the lesser ones.

    Returns every violation, so that a test may look at the minor ones too.
    """
    violations = axe_check(page, context=context)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if others:
        # Shown by pytest with the output of a failing test, or with -rP.
        print(f"axe, minor or moderate, on {page.url}:\n{describe(others)}")  # noqa: T201
    assert not blocking, (
        f"axe found serious or critical violations on {page.url}:\n{describe(blocking)}"
    )
    return violations


def login(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through the real login form (the e-mail is the `username` field)."""
    page.goto(f"{base_url}/compte/connexion/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/compte/connexion/" not in page.url, (
        f"login as {email} failed: {page.locator('main').inner_text()}"
    )
