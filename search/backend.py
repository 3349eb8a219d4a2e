"""The Elasticsearch side: client, index names, French analysis, alias swap.

Readers and writers always go through the alias `<prefix>-content`; each build
makes a new index `<prefix>-content-<timestamp>` and moves the alias onto it in
one atomic `_aliases` call, so search answers from the old index until the new
one is complete.
"""

import functools
import logging

from django.conf import settings
from django.utils import timezone
from elasticsearch import Elasticsearch
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Text,
    analyzer,
    token_filter,
)

from search.synonyms import SYNONYMS

logger = logging.getLogger(__name__)

# French analysis (docs/search.md): "l'eau" -> "eau" (elision), case and accents
# folded ("vélo" = "velo"), stop words dropped, light stemming (plurals, most
# feminine forms). Synonyms are added at search time only.
fr_elision = token_filter(
    "fr_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu",
              "lorsqu", "puisqu"],
)  # fmt: skip
fr_stop = token_filter("fr_stop", type="stop", stopwords="_french_")
fr_stem = token_filter("fr_stem", type="stemmer", language="light_french")
fr_synonyms = token_filter("fr_synonyms", type="synonym_graph", synonyms=SYNONYMS)
prefix_grams = token_filter("prefix_grams", type="edge_ngram", min_gram=2, max_gram=15)

FR_CHAIN = [fr_elision, "lowercase", fr_stop, "asciifolding", fr_stem]
fr_text = analyzer("fr_text", tokenizer="standard", filter=FR_CHAIN)
fr_search = analyzer("fr_search", tokenizer="standard", filter=[*FR_CHAIN, fr_synonyms])
fr_prefix = analyzer(
    "fr_prefix",
    tokenizer="standard",
    filter=[fr_elision, "lowercase", "asciifolding", prefix_grams],
)
fr_folded = analyzer(
    "fr_folded", tokenizer="standard", filter=[fr_elision, "lowercase", "asciifolding"]
)


def _french(**kwargs) -> Text:
    # Offsets in the postings: the unified highlighter reads them instead of
    # analysing each hit's text again (docs/performance.md).
    return Text(
        analyzer=fr_text, search_analyzer=fr_search, index_options="offsets", **kwargs
    )


class ContentDocument(Document):
    """Every kind of content in one index, so that facets count across kinds."""

    kind = Keyword()
    pk = Integer()
    town_id = Integer()
    title = _french(
        fields={"prefix": Text(analyzer=fr_prefix, search_analyzer=fr_folded)}
    )
    summary = _french()
    text = _french()
    domain = Keyword()
    neighbourhood_id = Integer()
    neighbourhood_name = Keyword()
    url = Keyword(index=False)
    published_at = Date()
    author_ids = Integer(multi=True)


def alias_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-content"


def is_configured() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


@functools.lru_cache(maxsize=4)
def _client_for(url: str, timeout: float) -> Elasticsearch:
    # No retries: a node that does not answer in time means "use the database".
    return Elasticsearch(url, request_timeout=timeout, max_retries=0)


def client() -> Elasticsearch:
    return _client_for(settings.ELASTICSEARCH_URL, settings.SEARCH_TIMEOUT)


def new_index(name: str | None = None) -> Index:
    """An index definition (not yet created) with our analysis and mapping."""
    name = name or f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(ContentDocument)
    return index


def create_index(name: str | None = None) -> str:
    index = new_index(name)
    index.create(using=client())
    return index._name


def indices_behind_alias() -> list[str]:
    es = client()
    if not es.indices.exists_alias(name=alias_name()):
        return []
    return sorted(es.indices.get_alias(name=alias_name()).keys())


def ensure_index() -> None:
    """Create an index and point the alias at it when the alias does not exist."""
    es = client()
    if es.indices.exists_alias(name=alias_name()):
        return
    name = create_index()
    try:
        es.indices.put_alias(index=name, name=alias_name())
    except Exception:
        es.indices.delete(index=name, ignore_unavailable=True)
        raise


def swap_alias(new: str) -> list[str]:
    """Point the alias at `new` in one atomic call; answer the indices it left."""
    es = client()
    old = indices_behind_alias()
    actions = [{"remove": {"index": name, "alias": alias_name()}} for name in old]
    actions.append({"add": {"index": new, "alias": alias_name()}})
    es.indices.update_aliases(actions=actions)
    return [name for name in old if name != new]


def refresh() -> None:
    client().indices.refresh(index=alias_name())
