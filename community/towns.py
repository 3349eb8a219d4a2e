"""Which town a request is about: the root page of the request's Wagtail Site."""

import copy
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Page, Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from community.models import Member, TownPage
from community.models.towns import NEW_MEMBER_RATE_FIELDS, RATE_FIELDS
from community.queries import member_of
from community.rows import converted
from community.site_paths import CACHE_ERRORS

logger = logging.getLogger(__name__)

_CACHE_ATTR = "_smartcitizen_town"

# Wagtail's choice of site, written out: building it with the ORM (an
# annotated CASE, a join through the page to the town) cost about 2 ms of CPU
# per request, ten times more than running it. The rows become Site, Page and
# TownPage objects as `select_related("root_page__townpage")` made them
# (`Model.from_db`, with the database's converters), so callers see the same
# objects. tests/community/test_towns.py compares the choice with Wagtail's.


# The aliases of the query's tables: the site, the root page, its town.
_ALIASES = {Site: "s", Page: "p", TownPage: "t"}
_SITE_FIELDS = Site._meta.concrete_fields
_TOWN_FIELDS = TownPage._meta.concrete_fields  # the Page's fields, then its own
_PAGE_FIELDS = [field for field in _TOWN_FIELDS if field.model is Page]
_SITES_SQL = """
SELECT {columns},
  CASE
    WHEN s.hostname = %(hostname)s AND s.port = %(port)s THEN %(hostname_port)s
    WHEN s.hostname = %(hostname)s AND s.is_default_site THEN %(hostname_default)s
    WHEN s.is_default_site THEN %(default)s
    ELSE %(hostname_only)s
  END AS match
FROM "{site}" s
LEFT JOIN "{page}" p ON p.id = s.root_page_id
LEFT JOIN "{town}" t ON t.page_ptr_id = p.id
WHERE s.hostname = %(hostname)s OR s.is_default_site
ORDER BY match
""".format(  # noqa: S608 (names from the models, values as parameters)
    columns=", ".join(
        f'{_ALIASES[field.model]}."{field.column}"'
        for field in [*_SITE_FIELDS, *_TOWN_FIELDS]
    ),
    site=Site._meta.db_table,
    page=Page._meta.db_table,
    town=TownPage._meta.db_table,
)


def _converted(fields, values) -> list:
    """The row's values as the ORM gives them (community.rows)."""
    return converted(fields, values, connection)


def _converted_row(row) -> tuple:
    """A row of the query with its values as the ORM gives them; `match` last."""
    site_values = _converted(_SITE_FIELDS, row[: len(_SITE_FIELDS)])
    town_values = _converted(_TOWN_FIELDS, row[len(_SITE_FIELDS) : -1])
    return (*site_values, *town_values, row[-1])


def _from_db(model, fields, values):
    # Values already converted (`_converted_row`); JSON values copied, so that
    # no request changes what another one reads.
    return model.from_db(
        connection.alias,
        [field.attname for field in fields],
        [copy.deepcopy(v) if isinstance(v, dict | list) else v for v in values],
    )


def _site_of(row) -> Site:
    """A Site as `select_related("root_page__townpage")` makes it: its root
    Page, the Page's TownPage (or none) cached on it; and Wagtail's `match`.
    `row`: a converted row (`_converted_row`)."""
    site_values = row[: len(_SITE_FIELDS)]
    town_values = row[len(_SITE_FIELDS) : -1]
    site = _from_db(Site, _SITE_FIELDS, site_values)
    site.match = row[-1]
    by_field = dict(zip(_TOWN_FIELDS, town_values, strict=True))
    page = _from_db(Page, _PAGE_FIELDS, [by_field[field] for field in _PAGE_FIELDS])
    Site._meta.get_field("root_page").set_cached_value(site, page)
    pointer = TownPage._meta.get_field("page_ptr")
    town = None
    if by_field[pointer] is not None:
        town = _from_db(TownPage, _TOWN_FIELDS, town_values)
        pointer.set_cached_value(town, page)
    pointer.remote_field.set_cached_value(page, town)
    site._smartcitizen_town = town
    return site


def _chosen_row(hostname: str, port: int) -> tuple | None:
    """Wagtail's `Site.find_for_request`, with the site's TownPage in the same
    query: the chosen site's converted row (`_converted_row`), None if none.

    The choice is Wagtail's `get_site_for_hostname` (wagtail/models/sites.py):
    the hostname and port, then the hostname of the default site, then the
    default site unless exactly one site has the hostname. The town is joined
    (its page and town rows) instead of read by a second query.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _SITES_SQL,
            {
                "hostname": hostname,
                "port": port,
                "hostname_port": MATCH_HOSTNAME_PORT,
                "hostname_default": MATCH_HOSTNAME_DEFAULT,
                "default": MATCH_DEFAULT,
                "hostname_only": MATCH_HOSTNAME,
            },
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    matches = [row[-1] for row in rows]
    if len(rows) == 1 or matches[0] in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        row = rows[0]
    elif matches[0] == MATCH_DEFAULT:
        # The default site, unless exactly one other site has the hostname.
        row = rows[len(rows) == 2]
    else:
        return None
    return _converted_row(row)


# The towns kept per process. Every page asks for its town; the chosen row of
# each (hostname, port) is kept in this process under a generation shared by
# every process in the cache (Redis): saving or deleting a Site, a TownPage or
# a site's root page, or moving a page, writes a new generation (at once and
# again on commit: a process that read the row between the save and the commit
# kept it under the first one), and every process reads the town again at its
# next request. Each request gets objects of its own, made from the row.
# When the cache does not answer, nothing is kept: the town is read from the
# database at each request, and the cache is not asked again for
# `CACHE_RETRY_SECONDS` (a frozen Redis would hold each request for the
# cache's socket timeout). A change no signal sees (a bulk UPDATE) shows after
# `KEPT_SECONDS` at most. Off when the cache is not shared (no Redis: each
# process would hold its own generation).
GENERATION_KEY = "community:towns:generation"
KEPT_SECONDS = 60.0
CACHE_RETRY_SECONDS = 5.0
# Hosts kept at most: the Host header is the client's.
KEPT_HOSTS = 64
_ROWS: dict[tuple[str, int], tuple | None] = {}
_kept = {"generation": None, "since": 0.0, "cache_down_until": 0.0}
_lock = threading.Lock()


def _shared_generation() -> str | None:
    """The generation in the cache (a new one if it has none); None when the
    cache does not answer or is not shared."""
    if not settings.REDIS_URL:
        return None
    now = time.monotonic()
    if now < _kept["cache_down_until"]:
        return None
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            # `add`: processes that find none at once agree on one.
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
    except CACHE_ERRORS as error:
        _cache_down(now, error)
        return None
    return generation


def _cache_down(now: float, error: Exception) -> None:
    logger.warning("Towns: the cache does not answer (%s); read each time.", error)
    with _lock:
        _ROWS.clear()
        _kept.update(generation=None, cache_down_until=now + CACHE_RETRY_SECONDS)


def _chosen_row_kept(hostname: str, port: int) -> tuple | None:
    key = (hostname, port)
    generation = _shared_generation()
    if generation is None:
        return _chosen_row(hostname, port)
    now = time.monotonic()
    with _lock:
        if _kept["generation"] != generation or now - _kept["since"] > KEPT_SECONDS:
            _ROWS.clear()
            _kept.update(generation=generation, since=now)
        elif key in _ROWS:
            return _ROWS[key]
    row = _chosen_row(hostname, port)
    with _lock:
        if _kept["generation"] == generation:
            if len(_ROWS) >= KEPT_HOSTS:
                _ROWS.clear()
            _ROWS[key] = row
    return row


def forget_towns() -> None:
    """Empty this process's towns (and tests' between two databases)."""
    with _lock:
        _ROWS.clear()
        _kept.update(generation=None, cache_down_until=0.0)


def _new_generation() -> None:
    forget_towns()
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS as error:
        # Every process that reads the town meanwhile finds the cache down
        # too and keeps nothing; one that does not is bounded by KEPT_SECONDS.
        _cache_down(time.monotonic(), error)


def towns_changed(**kwargs) -> None:
    """A Site, a TownPage or a site's root page changed: every process reads
    its town again (signal receiver)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _site_and_town(request: HttpRequest) -> tuple[Site | None, TownPage | None]:
    """The request's Site (its root Page cached on it) and TownPage."""
    # `_get_raw_host` as Wagtail does: no ALLOWED_HOSTS check here.
    hostname = split_domain_port(request._get_raw_host())[0]
    row = _chosen_row_kept(hostname, int(request.get_port()))
    if row is None:
        return None, None
    site = _site_of(row)
    return site, site._smartcitizen_town


def town_for_request(request: HttpRequest) -> TownPage | None:
    """The TownPage at the root of the request's site, or None on a bare site."""
    if not hasattr(request, _CACHE_ATTR):
        if hasattr(request, "_wagtail_site"):
            # Wagtail found the site already (a page it served).
            site = request._wagtail_site
            town = (
                TownPage.objects.filter(pk=site.root_page_id).first()
                if site is not None
                else None
            )
        else:
            site, town = _site_and_town(request)
            # Wagtail's own callers (page URLs, routing) reuse it.
            request._wagtail_site = site
        setattr(request, _CACHE_ATTR, town)
    return getattr(request, _CACHE_ATTR)


def town_or_404(request: HttpRequest) -> TownPage:
    """The request's town; Http404 on a site whose root is not a town."""
    town = town_for_request(request)
    if town is None:
        raise Http404
    return town


# A town's own settings (its « Réglages »), as the code reads them.


@dataclass(frozen=True)
class Policy:
    """What a town decided: sign-up, coverage, tariffs, moderation, rates."""

    open_signup: bool
    invitation_valid_days: int
    coverage_target_share: float
    tariffs: dict[str, Decimal]
    moderation: dict[str, int]
    rates: dict[str, tuple[int, int]]  # scope: (count, seconds)
    new_member_rates: dict[str, tuple[int, int]]


def town_member(request: HttpRequest) -> Member | None:
    """The signed-in member of the request's town, or None."""
    viewer = member_of(request.user)
    town = town_for_request(request)
    if viewer is None or town is None or viewer.town_id != town.pk:
        return None
    return viewer


def member_required(view: Callable) -> Callable:
    """Sign-in required; a user with no member profile in this town gets a 404.

    Here, not in common.views (which re-exports it), so that push, below
    common in the layers, shares it."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        viewer = town_member(request)
        if viewer is None:
            raise Http404
        return view(request, viewer, *args, **kwargs)

    return wrapper


def policy(town: TownPage) -> Policy:
    """The town's settings; no query: every one is a field of the TownPage row.

    The windows of the rates stay deployment-wide (SMARTCITIZEN["<SCOPE>_RATE"]),
    the counts are the town's.
    """
    deployment = settings.SMARTCITIZEN
    return Policy(
        open_signup=town.open_signup,
        invitation_valid_days=town.invitation_valid_days,
        coverage_target_share=town.coverage_target_share,
        tariffs={
            "electricity_eur_per_kwh": Decimal(str(town.tariff_electricity)),
            "gas_eur_per_kwh": Decimal(str(town.tariff_gas)),
            "water_eur_per_m3": Decimal(str(town.tariff_water)),
        },
        moderation={
            "AUTO_HIDE_TRUSTED_REPORTS": town.auto_hide_trusted_reports,
            "NEW_MEMBER_DAYS": town.new_member_days,
            "NEW_MEMBER_ACTIVITY": town.new_member_activity,
            "TRUSTED_DAYS": town.trusted_days,
            "TRUSTED_ACTIVITY": town.trusted_activity,
        },
        rates={
            scope: (getattr(town, field), deployment[f"{scope.upper()}_RATE"][1])
            for scope, field in RATE_FIELDS.items()
        },
        new_member_rates={
            scope: (
                getattr(town, field),
                deployment["MODERATION"][f"NEW_{scope.upper()}_RATE"][1],
            )
            for scope, field in NEW_MEMBER_RATE_FIELDS.items()
        },
    )


# Links that leave the site (e-mails, digests): the town's own hostname.


def sites_by_town(town_ids: Iterable[int] | None = None) -> dict[int, Site]:
    """The Wagtail Site of each town (by the town's id), in one query."""
    sites = Site.objects.all()
    if town_ids is not None:
        sites = sites.filter(root_page_id__in=town_ids)
    return {site.root_page_id: site for site in sites.order_by("-is_default_site")}


def base_url(town: TownPage | None, site: Site | None = None) -> str:
    """The town's address: the deployment's scheme (SITE_SCHEME), its Site's
    hostname and port (left out when it is the scheme's own). Without a Site,
    WAGTAILADMIN_BASE_URL. `site`: the town's Site when already read."""
    if site is None and town is not None:
        site = sites_by_town([town.pk]).get(town.pk)
    if site is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    scheme = settings.SITE_SCHEME
    default_port = {"http": 80, "https": 443}.get(scheme)
    port = "" if site.port in (default_port, None) else f":{site.port}"
    return f"{scheme}://{site.hostname}{port}"


def absolute_url(town: TownPage | None, path: str, site: Site | None = None) -> str:
    """`path` on the town's hostname, for a link read outside the site."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url(town, site) + "/" + path.lstrip("/")


def page_path(page: Page) -> str:
    """A page's path on its own town's site, "" if it has none.

    For links kept in a town's notifications and push payloads: `page.url`
    outside a request is the full address as soon as the deployment has two
    sites, and a push's click opens only a path of the site (push.payloads)."""
    parts = page.get_url_parts()
    return parts[2] if parts is not None and parts[2] else ""


# Development only: `?town=<slug>` shows another town on the same address.

_DEV_TOWN_SESSION_KEY = "dev_town"


class DevTownSwitchMiddleware:
    """With DEBUG on, `?town=<slug>` makes the request (and the session's next
    ones) about that town, as if on its hostname; `?town=` goes back to the
    hostname's own. Does nothing when DEBUG is off, whatever the settings list
    (config/settings/dev.py is the only one to install it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            self._switch(request)
        return self.get_response(request)

    def _switch(self, request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        slug = request.GET.get("town")
        if session is not None and slug is not None:
            if slug:
                session[_DEV_TOWN_SESSION_KEY] = slug
            else:
                session.pop(_DEV_TOWN_SESSION_KEY, None)
        elif session is not None:
            slug = session.get(_DEV_TOWN_SESSION_KEY)
        if not slug:
            return
        town = TownPage.objects.filter(slug=slug).first()
        if town is None:
            return
        site = sites_by_town([town.pk]).get(town.pk) or Site(
            hostname=request.get_host(), port=request.get_port(), root_page=town
        )
        # What town_for_request and Wagtail's Site.find_for_request read first.
        request._wagtail_site = site
        setattr(request, _CACHE_ATTR, town)
