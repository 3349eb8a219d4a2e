"""Reports filed per second: through the site's path and through Open311.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \
        .venv/bin/python bench/reports_bench.py [--reports 300] [--reuse-db]

Needs PostgreSQL and Redis (`bash scripts/services.sh start`). The bench uses a
database of its own (`sc_bench_reports`, dropped and created again unless
`--reuse-db`, then migrated; one town made by `check_create_town`, on the
test client's host) and Redis database 12 (`BENCH_DATABASE_NAME`,
`BENCH_REDIS_URL` change them). Rate limits are lifted for the run.

1. Site: a resident files `--reports` reports, one after the other, through
   `reports.actions.check_create_report` — what the site's form calls once it
   validated its fields (the rows, the timeline, the follow, the publication on
   `reports:<town>`) with `--action`; by default each goes through HTTP: the
   Django test client POSTs the residents' step 2, the whole middleware stack
   included, and must be redirected to the new report.
2. Open311: the same number of `POST /open311/v2/requests.json` with an API
   key, form-encoded, through the test client (middleware, key check, rate
   counter, the same action).

Each prints reports per second and p50/p99 of one filing; docs/performance.md
keeps the last figures.
"""

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "sc_bench_reports")
PG_SERVER = os.environ.get(
    "BENCH_POSTGRES", "postgres://smartcitizen:smartcitizen@127.0.0.1:5432"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"{PG_SERVER}/{DB_NAME}"
os.environ["REDIS_URL"] = REDIS_URL
os.environ["ELASTICSEARCH_URL"] = ""
os.environ["SEARCH_INDEX_PREFIX"] = f"bench-reports-{os.getpid()}"
os.environ["SCORING_CORE_URL"] = ""
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.support import (  # noqa: E402
    database_exists,
    load_average,
    report,
    reset_database,
    spread,
)

HOST = "testserver"
# Inside the town's bounds, a few metres apart.
LAT, LON = 45.05, 4.05


def prepare(reuse: bool):
    from community.models import TownPage
    from community.new_town import check_create_town

    if not (reuse and database_exists(PG_SERVER, DB_NAME)):
        reset_database(PG_SERVER, DB_NAME)
    call_command("migrate", verbosity=0)
    town = TownPage.objects.filter(title="Banc-sur-Rapports").first()
    if town is None:
        town = check_create_town(title="Banc-sur-Rapports", hostname=HOST)
    town.bounds_south, town.bounds_north = 45.0, 45.1
    town.bounds_west, town.bounds_east = 4.0, 4.1
    town.save()
    return town


def actors(town):
    from community.apikeys import do_create_api_key
    from community.models import Neighbourhood
    from reports.models import ReportCategory
    from tests.factories import NeighbourhoodFactory, make_member

    category, _created = ReportCategory.objects.get_or_create(
        town=town,
        service_code="bench",
        defaults={"name": "Banc", "service_name": "Service du banc"},
    )
    neighbourhood = Neighbourhood.objects.filter(town=town).first()
    if neighbourhood is None:
        neighbourhood = NeighbourhoodFactory(town=town, slug="banc", name="Banc")
    # A new resident each run: --reuse-db keeps the earlier ones.
    member = make_member(
        town, neighbourhood=neighbourhood, email=f"banc{time.time_ns()}@example.org"
    )
    _row, key = do_create_api_key(town, "open311", f"Banc {time.time()}")
    return category, member, key


def run(label: str, count: int, file_one, unit: str = "reports") -> None:
    samples = []
    start = time.perf_counter()
    for i in range(count):
        began = time.perf_counter()
        file_one(i)
        samples.append(time.perf_counter() - began)
    wall = time.perf_counter() - start
    report(f"{label}: {count / wall:.1f} {unit}/s; one {spread(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument(
        "--action",
        action="store_true",
        help="the site's path through the action, not the residents' form",
    )
    args = parser.parse_args()
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "REPORT_RATE": (10**9, 3600),
        "API_KEY_RATE": (10**9, 60),
    }
    town = prepare(args.reuse_db)
    category, member, key = actors(town)
    report(f"== reports bench: {args.reports} filings each, load {load_average()} ==")

    from reports.actions import check_create_report

    if not args.action:
        # The residents' step 2 over HTTP (session, CSRF middleware, form,
        # action, redirect): a refused form (200) stops the bench.
        client = Client(HTTP_HOST=HOST)
        client.force_login(member.user)
        url = reverse("reports:new-details")
        stamp = time.time_ns()

        def by_form(i: int) -> None:
            response = client.post(
                url,
                {
                    "category": category.pk,
                    "latitude": f"{LAT + i * 1e-6:.6f}",
                    "longitude": f"{LON:.6f}",
                    "address": "Place du banc",
                    "description": f"Banc n° {i} : le lampadaire clignote.",
                    "client_key": f"f{stamp}-{i}",
                },
            )
            if response.status_code != 302:
                raise SystemExit(f"the form answered {response.status_code}")

        run("site form POST /signalements/nouveau/details/", args.reports, by_form)
    else:

        def by_action(i: int) -> None:
            check_create_report(
                town,
                category=category,
                description=f"Banc n° {i} : le lampadaire clignote.",
                latitude=LAT + i * 1e-6,
                longitude=LON,
                author=member,
                client_key=f"a{i}-{time.time()}",
            )

        run("site path (check_create_report)", args.reports, by_action)

    api = Client(HTTP_HOST=HOST)
    url = "/open311/v2/requests.json"

    def by_open311(i: int) -> None:
        response = api.post(
            url,
            {
                "api_key": key,
                "service_code": category.service_code,
                "description": f"Open311 n° {i} : nid-de-poule.",
                "lat": str(LAT + i * 1e-6),
                "long": str(LON),
                "email": "partenaire@example.org",
            },
        )
        if response.status_code != 200:
            raise SystemExit(f"Open311 answered {response.status_code}")

    run("Open311 POST requests.json", args.reports, by_open311)

    def read_list(_i: int) -> None:
        if api.get(url).status_code != 200:
            raise SystemExit("Open311 list failed")

    run("Open311 GET requests.json (the last 90 days)", 30, read_list, "lists")


if __name__ == "__main__":
    main()
