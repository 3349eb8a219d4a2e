"""The environment a bench runs Django in: its own database and Redis, no search.

Called at the top of a bench script, before anything imports Django:

    from bench.environment import configure
    BENCH = configure("sc_bench_ws", "redis://127.0.0.1:6379/7")

`BENCH_DATABASE_NAME`, `BENCH_POSTGRES` and `BENCH_REDIS_URL` override the
defaults. Elasticsearch is switched off: the demo town's tips would otherwise
be indexed into the test cluster.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://smartcitizen:smartcitizen@127.0.0.1:5432"


@dataclass(frozen=True)
class BenchEnvironment:
    db_name: str
    pg_server: str
    redis_url: str

    @property
    def database_url(self) -> str:
        return f"{self.pg_server}/{self.db_name}"


def configure(default_db: str, default_redis: str) -> BenchEnvironment:
    """Set the variables Django's settings read, then set Django up."""
    bench = BenchEnvironment(
        db_name=os.environ.get("BENCH_DATABASE_NAME", default_db),
        pg_server=os.environ.get("BENCH_POSTGRES", DEFAULT_POSTGRES),
        redis_url=os.environ.get("BENCH_REDIS_URL", default_redis),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = bench.database_url
    os.environ["REDIS_URL"] = bench.redis_url
    os.environ["ELASTICSEARCH_URL"] = ""
    os.environ["SEARCH_INDEX_PREFIX"] = f"bench-{os.getpid()}"
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    return bench
