"""Search latency and indexing throughput: Elasticsearch and the database fallback.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \
        .venv/bin/python bench/search_bench.py [--posts 100000] [--tips 2000]

Elasticsearch part: synthetic French documents (kind "post" and "tip", one town)
bulk-loaded into a bench index of their own (`bench-…`, deleted at the end), then
the site's own query (`search.queries.search_content`: French analysis,
synonyms, fuzzy clause, facets, highlighting) timed over a fixed list of queries,
as a member of the town searches (posts are read by members only: a visitor's
search leaves them out).

Fallback part: `--tips` real tip pages in a throw-away SQLite database
(`BENCH_DATABASE`, /tmp/smartcitizen-bench.sqlite3), searched with
ELASTICSEARCH_URL unset (Wagtail's database backend). Figures go to stdout;
docs/performance.md keeps the last ones.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

BENCH_DB = os.environ.get(
    "BENCH_DATABASE",
    "/tmp/smartcitizen-bench.sqlite3",  # noqa: S108  (a throw-away database)
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
os.environ["SEARCH_INDEX_PREFIX"] = f"bench-{os.getpid()}"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from elasticsearch.helpers import bulk  # noqa: E402

from search import backend, queries  # noqa: E402

WORDS = (
    "vélo voiture bus covoiturage trajet travail école marché producteur légumes "
    "fruits vrac emballage compost épluchures jardin potager tri poubelle verre "
    "papier plastique recyclage eau douche robinet mousseur fuite chasse pluie "
    "arrosage chauffage radiateur thermostat degré isolation fenêtre porte rideau "
    "ampoule lampe veille prise multiprise frigo congélateur lessive séchage linge "
    "facture économies euros kWh litres quartier voisins défi astuce semaine mois"
).split()
QUERIES = [
    "velo", "vélos école", "bicyclette", "l'eau", "économiser", "douche courte",
    "chaufage", "compost jardin", "voiture partagée", "ampoules", "fuite robinet",
    "marché producteur", "tri verre", "isolation fenêtres", "thermostat degré",
    "lessive froid", "veille multiprise", "récupérateur pluie", "légumes vrac",
    "défi quartier",
]  # fmt: skip


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


SYLLABLES = (
    "ba be bi bo bu da de di do du la le li lo lu ma me mi mo mu ra re ri ro ru".split()
)


def filler(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 5)))


def sentence(rng: random.Random, length: int) -> str:
    """A fifth of the words from the programme's vocabulary, the rest made up: a
    realistic spread, where a query word is in a few documents, not in all."""
    words = (
        rng.choice(WORDS) if rng.random() < 0.2 else filler(rng) for _ in range(length)
    )
    return " ".join(words).capitalize() + "."


def documents(town_id: int, posts: int, tips: int, index: str):
    rng = random.Random(5)  # noqa: S311  (fixed data, not secrets)
    for n in range(posts + tips):
        kind = "post" if n < posts else "tip"
        yield {
            "_index": index,
            "_id": f"{kind}-{n}",
            "_source": {
                "kind": kind,
                "pk": n,
                "town_id": town_id,
                "title": sentence(rng, 6),
                "summary": sentence(rng, 14),
                "text": " ".join(sentence(rng, 12) for _ in range(4)),
                "domain": rng.choice(["energy", "water", "transport", "waste"]),
                "neighbourhood_id": rng.randrange(1, 7),
                "url": f"/x/{n}/",
            },
        }


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms (n={len(samples)})"


def time_queries(town, viewer, rounds: int) -> list[float]:
    samples, empty = [], set()
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            results = queries.search_content(town, query, viewer=viewer)
            samples.append(time.perf_counter() - start)
            if not results.hits:
                empty.add(query)
    if empty:
        report(f"  (no result for {len(empty)} of {len(QUERIES)} queries)")
    return samples


def bench_elasticsearch(posts: int, tips: int, rounds: int) -> None:
    from community.models import Member, TownPage

    town = TownPage(pk=1, title="Bench", path="00010001", depth=2)
    # A member of the town (not saved: the search reads its id and town only,
    # and looks up its blocks and mutes, none here, as for any member).
    viewer = Member(pk=1, town_id=town.pk, display_name="Bench")
    es = backend.client().options(request_timeout=120)
    name = backend.create_index()
    try:
        start = time.perf_counter()
        count, _errors = bulk(
            es, documents(town.pk, posts, tips, name), chunk_size=2000
        )
        es.indices.refresh(index=name)
        elapsed = time.perf_counter() - start
        report(f"elasticsearch: indexed {count} documents in {elapsed:.1f} s "
              f"({count / elapsed:.0f} docs/s)")  # fmt: skip
        backend.swap_alias(name)
        time_queries(town, viewer, 1)  # warm-up
        samples = time_queries(town, viewer, rounds)
        report(f"elasticsearch search, member: {percentiles(samples)}")
        samples = time_queries(town, None, max(1, rounds // 2))
        report(f"elasticsearch search, visitor (tips only): {percentiles(samples)}")
    finally:
        es.indices.delete(index=name, ignore_unavailable=True)


def bench_fallback(tips: int, rounds: int) -> None:
    from tests.factories import NeighbourhoodFactory, make_member, make_town
    from tests.tips.helpers import make_tip, make_tip_index

    rng = random.Random(7)  # noqa: S311  (fixed data, not secrets)
    # Everything made without Elasticsearch: the index signals would otherwise
    # create an index of the bench's prefix for the neighbourhood (and leave it).
    with override_settings(ELASTICSEARCH_URL=""):
        town = make_town("Bench")
        index = make_tip_index(town)
        viewer = make_member(town, neighbourhood=NeighbourhoodFactory(town=town))
        start = time.perf_counter()
        for _ in range(tips):
            make_tip(index, sentence(rng, 6), summary=sentence(rng, 14),
                     text=" ".join(sentence(rng, 12) for _ in range(4)))  # fmt: skip
        elapsed = time.perf_counter() - start
        report(f"database: created {tips} tip pages in {elapsed:.1f} s")
        time_queries(town, viewer, 1)
        samples = time_queries(town, viewer, rounds)
    report(f"database fallback search: {percentiles(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--tips", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--fallback-tips",
        type=int,
        default=None,
        help="tip pages for the database part (default: --tips; slow to make)",
    )
    parser.add_argument("--skip-fallback", action="store_true")
    args = parser.parse_args()
    if not settings.ELASTICSEARCH_URL:
        sys.exit("ELASTICSEARCH_URL is not set: start bash scripts/elasticsearch.sh")
    from django.core.management import call_command

    Path(BENCH_DB).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    try:
        bench_elasticsearch(args.posts, args.tips, args.rounds)
        if not args.skip_fallback:
            bench_fallback(args.fallback_tips or args.tips, args.rounds)
    finally:
        Path(BENCH_DB).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
