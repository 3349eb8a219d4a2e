"""Fixtures of the scoring tests: a town, a neighbourhood, households, a catalogue.

Households are made through `community.actions`; nothing relies on fixed ids.
"""

import copy
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import override_settings
from wagtail.models import Locale, Page

from community.actions import do_create_household
from community.models import Household, HouseholdStatus, Neighbourhood, TownPage
from scoring import transport
from scoring.models import ActionType, Commitment

TOKEN = "test-scoring-token-5f1c2a"
THREADS = 8  # concurrent requests of the race tests


def root_page() -> Page:
    root = Page.get_first_root_node()
    if root is None:
        # A transactional test flushed the root page Wagtail's migration made.
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@pytest.fixture(autouse=True)
def _closed_breaker() -> Iterator[None]:
    """Each test starts with the client's circuit breaker closed, and leaves it so."""
    transport.reset_breaker()
    yield
    transport.reset_breaker()


@pytest.fixture
def town() -> TownPage:
    slug = f"ville-{uuid.uuid4().hex[:8]}"
    return root_page().add_child(instance=TownPage(title=slug, slug=slug))


@pytest.fixture
def make_neighbourhood(town: TownPage) -> Callable[..., Neighbourhood]:
    def make(name: str | None = None) -> Neighbourhood:
        name = name or f"Quartier {uuid.uuid4().hex[:6]}"
        return Neighbourhood.objects.create(
            town=town, name=name, slug=name.lower().replace(" ", "-")
        )

    return make


@pytest.fixture
def neighbourhood(make_neighbourhood) -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def make_household(neighbourhood: Neighbourhood) -> Callable[..., Household]:
    def make(where: Neighbourhood | None = None, **kwargs) -> Household:
        kwargs.setdefault("status", HouseholdStatus.ACTIVE)
        return do_create_household(where or neighbourhood, ["energy"], **kwargs)

    return make


@pytest.fixture
def household(make_household) -> Household:
    return make_household()


@pytest.fixture
def catalogue() -> dict[str, ActionType]:
    """Three catalogue actions: 10, 40 and 90 base points."""
    specs = [
        ("douche-courte", "water", 1, Commitment.ONE_OFF),
        ("velo-travail", "transport", 2, Commitment.MONTHLY),
        ("isolation", "energy", 3, Commitment.ONGOING),
    ]
    return {
        code: ActionType.objects.create(
            code=code,
            label=code.replace("-", " "),
            domain=domain,
            difficulty=difficulty,
            commitment=commitment,
        )
        for code, domain, difficulty, commitment in specs
    }


def fast_smartcitizen(**overrides) -> dict:
    """The SMARTCITIZEN settings with a quick client: tests must not wait long."""
    conf = copy.deepcopy(settings.SMARTCITIZEN)
    conf.update(SCORING_TIMEOUT=0.5, SCORING_RETRIES=2, SCORING_BACKOFF=0.05)
    conf.update(overrides)
    return conf


@pytest.fixture
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_token() -> Iterator[str]:
    with override_settings(SCORING_CORE_TOKEN=TOKEN):
        yield TOKEN


@pytest.fixture
def remote_core(live_server, empty_cache) -> Iterator[str]:
    """The client set to reach this site's own API on a live server, over HTTP."""
    url = f"{live_server.url}/api/scoring/v1/"
    with override_settings(
        SCORING_CORE_URL=url,
        SCORING_CORE_TOKEN=TOKEN,
        SMARTCITIZEN=fast_smartcitizen(),
    ):
        yield url


def race(call: Callable[[int], object]) -> list[object]:
    """Run `call(i)` in THREADS threads released together; results or exceptions."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = call(index)
        except Exception as error:  # collected, asserted by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results
