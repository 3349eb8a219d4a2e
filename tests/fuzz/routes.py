"""The site's routes, read from the URL conf and the page tree, and Hypothesis
strategies that fill their converters.

Nothing here lists a URL by hand: `site_routes()` walks `get_resolver()` (every
`path()`/`re_path()` of the site, the admin views our apps add, Wagtail's page
serving), `page_routes()` walks the live pages of a town and, for the routable
page types, their `subpage_urls`. A new view or page route is fuzzed without a
change here.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import strategies as st
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

# The apps of this repository: their admin views are fuzzed, Wagtail's own are not
# (hundreds of third-party views, tested upstream; docs/security.md).
OUR_APPS = (
    "ambassadors",
    "challenges",
    "community",
    "config",
    "feeds",
    "meters",
    "moderation",
    "mydata",
    "pwa",
    "reports",
    "scoring",
    "search",
    "tips",
    "townsensors",
)
ROUTE_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# Values that broke or could break a view: NUL, broken encodings, SQL and FTS
# syntax, path tricks, numbers past every integer column, very long text.
SPECIAL_TEXT = [
    "\x00",
    "a\x00b",
    "\ud800",
    "%",
    "%00",
    "%zz",
    '"',
    "'",
    '"[*:',
    "' OR 1=1 --",
    "..",
    "../../etc/passwd",
    "\\",
    "<script>alert(1)</script>",
    "💧🌱",
    "é" * 300,
    "a" * 5_000,
    "9" * 40,
    "-1",
    "0",
    "1e9999",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    " ",
    "\n",
    "\u202e",
    "\ufeff",
]
HUGE_NUMBERS = st.sampled_from([0, 2**31, 2**63, 2**64, 10**30, 10**100])


def text_values() -> st.SearchStrategy[str]:
    """Any text a client may send: generated, special, numbers, dates."""
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(SPECIAL_TEXT),
        st.integers(min_value=-(10**20), max_value=10**30).map(str),
        HUGE_NUMBERS.map(str),
        st.dates().map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.isoformat()),
    )


def encode(value: str) -> str:
    """A URL-safe spelling of any text, lone surrogates included."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@dataclass
class Route:
    """One URL pattern: literal parts and converters, as `(kind, text)` pairs."""

    label: str
    parts: list[tuple[str, str]]
    module: str = ""
    regexes: list[str] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return self.label.startswith("admin/")

    @property
    def is_ours(self) -> bool:
        return self.module.split(".")[0] in OUR_APPS

    @property
    def names(self) -> list[str]:
        return [text for kind, text in self.parts if kind != "literal"]


def _parts_of(pattern) -> list[tuple[str, str]]:
    if isinstance(pattern, RoutePattern):
        route, parts, end = pattern._route, [], 0
        for match in ROUTE_PART.finditer(route):
            parts.append(("literal", route[end : match.start()]))
            parts.append((match["converter"] or "str", match["name"]))
            end = match.end()
        parts.append(("literal", route[end:]))
        return [p for p in parts if p != ("literal", "")]
    assert isinstance(pattern, RegexPattern)
    regex = pattern._regex
    return [("regex", regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z"))]


def _walk(patterns, prefix: list) -> Iterator[Route]:
    for entry in patterns:
        parts = [*prefix, *_parts_of(entry.pattern)]
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, parts)
        elif isinstance(entry, URLPattern):
            label = "".join(
                text if kind == "literal" else f"<{kind}:{text}>"
                for kind, text in parts
            )
            callback = getattr(entry.callback, "view_class", entry.callback)
            yield Route(label, parts, getattr(callback, "__module__", ""))


def site_routes() -> list[Route]:
    """Every URL pattern of the URL conf, Wagtail's page serving included."""
    return list(_walk(get_resolver().url_patterns, []))


def page_routes(town: Page) -> list[Route]:
    """Each live page of the town, with its routable sub-routes (tips'
    « fait », challenges' « j'ai agi », …), one route per page type and route."""
    routes, seen = [], set()
    for page in Page.objects.descendant_of(town, inclusive=True).live().specific():
        base = page.relative_url(page.get_site()) or page.url or "/"
        base = base.lstrip("/")
        if isinstance(page, RoutablePageMixin):
            for route in _walk(page.get_subpage_urls(), [("literal", base)]):
                key = (type(page), route.label[len(base) :])
                if key not in seen:
                    seen.add(key)
                    routes.append(route)
        elif type(page) not in seen:
            seen.add(type(page))
            routes.append(Route(base or "/", [("literal", base)], "pages"))
            # A child slug that does not exist under it.
            routes.append(
                Route(base + "<slug:child>/", [("literal", base), ("slug", "child")])
            )
    return routes


def converter_values(kind: str, known: list[str]) -> st.SearchStrategy[str]:
    """Values for one converter: known-valid ones (from the test's data),
    valid-shaped ones, and anything else."""
    shaped = {
        "int": st.integers(min_value=0, max_value=10**30).map(str)
        | HUGE_NUMBERS.map(str),
        "slug": st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True),
        "uuid": st.uuids().map(str) | st.just(str(uuid.UUID(int=0))),
        "path": st.lists(st.text(min_size=1, max_size=10), max_size=4).map("/".join),
        "str": st.text(min_size=1, max_size=30),
    }.get(kind, st.text(min_size=1, max_size=30))
    choices = [shaped, text_values().filter(bool)]
    if known:
        choices.insert(0, st.sampled_from(known))
    return st.one_of(*choices)


@st.composite
def paths(draw, route: Route, known: dict[str, list[str]]) -> str:
    """A request path for `route`, each converter filled."""
    pieces = []
    for kind, text in route.parts:
        if kind == "literal":
            pieces.append(text)
        elif kind == "regex":
            pieces.append(
                draw(
                    st.from_regex(text, fullmatch=True).filter(
                        lambda s: len(s) < 200 and "?" not in s and "#" not in s
                    )
                ).replace("\n", "")
            )
        else:
            value = draw(converter_values(kind, known.get(text, [])))
            pieces.append(encode(value))
    return "/" + "".join(pieces).lstrip("/")


QUERY_KEYS = [
    "page",
    "q",
    "period",
    "date",
    "kind",
    "domain",
    "neighbourhood",
    "next",
    "since",
    "sort",
    "status",
    "week",
    "month",
    "year",
    "format",
]


def query_strings() -> st.SearchStrategy[str]:
    """Random query parameters: the ones views read, and arbitrary keys."""
    keys = st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=12))
    pairs = st.lists(st.tuples(keys, text_values()), max_size=4)
    return pairs.map(
        lambda items: "&".join(f"{encode(k)}={encode(v)}" for k, v in items)
    )
