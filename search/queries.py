"""Search and suggestions for one town: Elasticsearch first, the database if not.

The database's answer comes from its own index (`search.database`): the same
documents, French stems with accents folded, for the same audience.

Only `match`-family queries are built from what people type, never a query
string: quotes, `*`, `:`, brackets or emoji are plain text to them and cannot
raise a syntax error. Every query is filtered on the request's town.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from elasticsearch import ApiError, TransportError
from elasticsearch.dsl import A, Q, Search

from community.domains import Domain
from community.models import Member, Neighbourhood, TownPage
from search import backend, database, registry
from search.audience import Audience, audience_for, must_not
from search.registry import Entry

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 10
MAX_PAGE = 100  # 1,000 results: far below Elasticsearch's result window
SUGGESTIONS = 8
FACETS = ("kind", "domain", "neighbourhood")
FACET_FIELDS = {"kind": "kind", "domain": "domain", "neighbourhood": "neighbourhood_id"}
TEXT_FIELDS = ["title^3", "summary^2", "text"]
FUZZY_FIELDS = ["title^3", "summary^2"]
# Two words must both match, longer queries three quarters of their words.
MINIMUM_SHOULD_MATCH = "2<75%"
SEARCH_ERRORS = (ApiError, TransportError)


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: SafeString
    url: str
    excerpt: SafeString
    domain_label: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool


@dataclass
class Results:
    query: str
    filters: dict
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    precise: bool = True  # False when the database answered instead
    degraded: bool = False  # Elasticsearch is configured but did not answer
    notices: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PAGE_SIZE)))

    @property
    def first_rank(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clean_query(raw: str) -> tuple[str, list[str]]:
    """The query as searched: words only, single-spaced, at most 200 characters."""
    # Control characters and symbols (emoji, +, €...) are not words: the
    # tokenizer would make emoji terms of their own that no text contains.
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CS" else ch for ch in raw or ""
    )
    text = re.sub(r"\s+", " ", text).strip()
    notices = []
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rstrip()
        notices.append(
            _("Votre recherche a été raccourcie à %(n)d caractères.")
            % {"n": MAX_QUERY_LENGTH}
        )
    return text, notices


def small_number(raw: str | None, digits: int) -> int | None:
    """A positive number of at most `digits` ASCII digits, else None (so that
    "²", "٣" or a number past Elasticsearch's integers never reach a query)."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= digits:
        return int(raw)
    return None


def clean_filters(town: TownPage, kind: str, domain: str, neighbourhood: str) -> dict:
    """Facet values from the URL, kept only when they mean something here."""
    filters = {}
    if registry.get(kind) is not None:
        filters["kind"] = kind
    if domain in Domain.values:
        filters["domain"] = domain
    # Nine digits always fit the index's 32-bit `neighbourhood_id`.
    if small_number(neighbourhood, 9) is not None:
        filters["neighbourhood"] = neighbourhood
    return filters


def _term(facet: str, value: str) -> Q:
    return Q("term", **{FACET_FIELDS[facet]: value})


def _clauses(query: str) -> tuple[Q, Q, Q]:
    """The exact (French analysis and synonyms), fuzzy and prefix clauses."""
    exact = Q(
        "multi_match",
        query=query,
        fields=TEXT_FIELDS,
        # The words may be spread over title, summary and text.
        type="cross_fields",
        minimum_should_match=MINIMUM_SHOULD_MATCH,
        boost=3,
    )
    # Typos and word families the stemmer leaves apart ("économiser" /
    # "économies"): fuzzy, on long words only, without synonyms (fuzzy and graph
    # synonyms do not mix), on title and summary with few expansions: fuzzy
    # terms are the costliest part of the query (docs/performance.md).
    fuzzy = Q(
        "multi_match",
        query=query,
        fields=FUZZY_FIELDS,
        analyzer="fr_text",
        fuzziness="AUTO:5,8",
        prefix_length=2,
        max_expansions=10,
        minimum_should_match=MINIMUM_SHOULD_MATCH,
        boost=0.5,
    )
    # Words still being typed.
    prefix = Q("match", **{"title.prefix": {"query": query, "operator": "and"}})
    return exact, fuzzy, prefix


def _text_query(query: str) -> Q:
    return Q("bool", should=list(_clauses(query)), minimum_should_match=1)


def _highlight_query(query: str) -> dict:
    # Highlighting the fuzzy clause costs ten times the search itself; typo-only
    # matches show their summary unmarked instead.
    exact, _fuzzy, prefix = _clauses(query)
    return Q("bool", should=[exact, prefix]).to_dict()


def _labels() -> dict[str, dict[str, str]]:
    return {
        "kind": {kind.name: str(kind.label) for kind in registry.kinds()},
        "domain": {value: str(label) for value, label in Domain.choices},
    }


def _neighbourhood_labels(town: TownPage, ids) -> dict[str, str]:
    wanted = [n for n in (small_number(str(i), 9) for i in ids) if n is not None]
    if not wanted:
        return {}
    return {
        str(pk): name
        for pk, name in Neighbourhood.objects.filter(
            town=town, pk__in=wanted
        ).values_list("pk", "name")
    }


def _facets(town: TownPage, counts: dict[str, dict[str, int]], filters: dict):
    labels = _labels()
    labels["neighbourhood"] = _neighbourhood_labels(
        town, counts.get("neighbourhood", {}).keys()
    )
    facets = {}
    for facet in FACETS:
        values = []
        for value, count in counts.get(facet, {}).items():
            label = labels[facet].get(str(value))
            if label is not None:
                values.append(
                    FacetValue(str(value), label, count, filters.get(facet) == value)
                )
        facets[facet] = sorted(values, key=lambda v: (-v.count, v.label))
    return facets


def search_content(
    town: TownPage,
    raw_query: str,
    *,
    kind: str = "",
    domain: str = "",
    neighbourhood: str = "",
    page: int = 1,
    viewer: Member | None = None,
) -> Results:
    """One page of results for a town, with facets; never raises on bad input.

    Posts and comments are searched for a member of the town (`viewer`) only.
    """
    query, notices = clean_query(raw_query)
    filters = clean_filters(town, kind, domain, neighbourhood)
    page = min(max(1, page), MAX_PAGE)
    results = Results(query=query, filters=filters, page=page, notices=notices)
    if not query:
        return results
    audience = audience_for(town, viewer)
    if backend.is_configured():
        try:
            return _search_elasticsearch(town, results, audience)
        except SEARCH_ERRORS as error:
            logger.warning(
                "search: Elasticsearch failed, using the database: %s", error
            )
    return _search_database(town, results, audience)


def _search_elasticsearch(
    town: TownPage, results: Results, audience: Audience
) -> Results:
    filters = results.filters
    search = (
        Search(using=backend.client(), index=backend.alias_name())
        .query(Q("bool", must=[_text_query(results.query)], filter=[
            Q("term", town_id=town.pk)], must_not=must_not(audience)))
        .source(["kind", "title", "url", "summary", "domain"])
        .highlight_options(
            encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"],
            fragment_size=180, number_of_fragments=1,
            highlight_query=_highlight_query(results.query),
        )
        .highlight("title", number_of_fragments=0)
        .highlight("text", "summary")
        .extra(track_total_hits=True)
    )  # fmt: skip
    if filters:
        search = search.post_filter(
            Q("bool", filter=[_term(f, v) for f, v in filters.items()])
        )
    # Each facet counts within the other active facets, so that choosing a kind
    # still shows how many results the other kinds have.
    for facet in FACETS:
        others = [_term(f, v) for f, v in filters.items() if f != facet]
        agg = A("filter", Q("bool", filter=others))
        agg.bucket("values", "terms", field=FACET_FIELDS[facet], size=30)
        search.aggs.bucket(facet, agg)
    start = (results.page - 1) * PAGE_SIZE
    answer = search[start : start + PAGE_SIZE].execute()

    labels = _labels()
    results.total = answer.hits.total.value
    for hit in answer:
        meta = hit.meta.to_dict().get("highlight", {})
        title = meta.get("title", [escape(hit.title)])[0]
        excerpt = (
            meta.get("text") or meta.get("summary") or [escape(hit.summary or "")]
        )[0]
        results.hits.append(
            Hit(
                kind=hit.kind,
                kind_label=labels["kind"].get(hit.kind, hit.kind),
                title=mark_safe(title),  # noqa: S308  (escaped by Elasticsearch)
                url=hit.url,
                excerpt=mark_safe(excerpt),  # noqa: S308  (escaped by Elasticsearch)
                domain_label=labels["domain"].get(getattr(hit, "domain", "") or "", ""),
            )
        )
    counts = {
        facet: {
            str(bucket.key): bucket.doc_count
            for bucket in answer.aggregations[facet]["values"].buckets
        }
        for facet in FACETS
    }
    results.facets = _facets(town, counts, filters)
    return results


def _fallback_entries(town: TownPage, query: str, audience: Audience) -> list[Entry]:
    """The database index's answer; French stems, and the active language's."""
    return database.safely(
        database.search,
        town.pk,
        query,
        audience,
        languages=[get_language() or "fr"],
        default=[],
    )


def _facet_values(entry: Entry) -> dict[str, list[str]]:
    return {
        "kind": [entry.kind],
        "domain": [entry.domain] if entry.domain else [],
        "neighbourhood": [str(i) for i in entry.neighbourhood_ids],
    }


def _matches(entry: Entry, filters: dict, skip: str = "") -> bool:
    values = _facet_values(entry)
    return all(v in values[f] for f, v in filters.items() if f != skip)


def _search_database(town: TownPage, results: Results, audience: Audience) -> Results:
    # Not a notice: residents need not know which engine answered. Staff see
    # on the page that Elasticsearch, configured, did not answer (`degraded`).
    results.precise = False
    results.degraded = backend.is_configured()
    entries = _fallback_entries(town, results.query, audience)
    filters = results.filters
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for entry in entries:
        for facet, values in _facet_values(entry).items():
            if not _matches(entry, filters, skip=facet):
                continue
            for value in values:
                counts[facet][value] = counts[facet].get(value, 0) + 1
    chosen = [entry for entry in entries if _matches(entry, filters)]
    results.total = len(chosen)
    labels = _labels()
    start = (results.page - 1) * PAGE_SIZE
    for entry in chosen[start : start + PAGE_SIZE]:
        results.hits.append(
            Hit(
                kind=entry.kind,
                kind_label=labels["kind"].get(entry.kind, entry.kind),
                title=escape(entry.title),
                url=entry.url,
                excerpt=escape(entry.summary or entry.text[:180]),
                domain_label=labels["domain"].get(entry.domain, ""),
            )
        )
    results.facets = _facets(town, counts, filters)
    return results


def suggest(
    town: TownPage, raw_query: str, viewer: Member | None = None
) -> tuple[list[dict], bool]:
    """Up to eight titles of this town for what is being typed; (list, precise)."""
    query, _notices = clean_query(raw_query)
    if len(query) < 2:
        return [], True
    audience = audience_for(town, viewer)
    if backend.is_configured():
        try:
            search = (
                Search(using=backend.client(), index=backend.alias_name())
                .query(
                    Q(
                        "bool",
                        must=[
                            Q(
                                "match",
                                **{"title.prefix": {"query": query, "operator": "and"}},
                            )
                        ],
                        should=[Q("match", title=query)],
                        filter=[Q("term", town_id=town.pk)],
                        must_not=must_not(audience),
                    )
                )
                .source(["kind", "title", "url"])
            )[:SUGGESTIONS]
            return [
                {"title": hit.title, "url": hit.url, "kind": hit.kind}
                for hit in search.execute()
            ], True
        except SEARCH_ERRORS as error:
            logger.warning("search: suggestions from the database: %s", error)
    found = database.safely(
        database.suggest, town.pk, query, audience, SUGGESTIONS, default=[]
    )
    return [
        {"title": entry.title, "url": entry.url, "kind": entry.kind} for entry in found
    ], False
