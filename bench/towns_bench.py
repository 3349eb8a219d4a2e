"""One town's pages in a one-town database and in a 100-town one (issue 15).

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/towns_bench.py [--towns 100] [--households 100000]
        [--requests 30] [--seed 15] [--reuse-db]

Needs PostgreSQL and Redis (`make bench-towns`). Issue 15's target: with 100
towns and 100,000 households, the feed page, the admin moderation queue and
the coverage dashboard of one town run the same number of SQL queries as in a
one-town database and stay within 1.5× of their one-town time.

1. The one-town database (`<BENCH_DATABASE_NAME>_one`, default
   `sc_bench_towns_one`): migrated, the demo town (`seed_demo`, built through
   the real actions), then 30 reports through `moderation.actions.check_report`
   by its residents on its posts, so that the queue has rows.
2. The 100-town database (`BENCH_DATABASE_NAME`, default `sc_bench_towns`): a
   copy of the first (`CREATE DATABASE … TEMPLATE`), so the measured town is
   the same rows, ids included; then `--towns` − 1 towns through
   `TownPage` creation (each gets its roles, collection and workflow as any
   town), each with a site, 6 neighbourhoods, an ambassador (granted with
   `do_grant_role`), and in bulk (`bulk_create`, drawn from `--seed`) its
   households, one member each (a user in the residents' group), 100 posts, 2
   comments per post, 20 reported posts with 1–3 reports each and visits to
   10 % of its households, until the database holds `--households` households.
   Every town has members, posts, reports and visits: an unscoped query of a
   page shows up in its queries' time and in the page's size.
3. Two child processes, one per database, each with Django's test client
   signed in as the demo's resident Anne M. (feed page, `feeds:town`) and its
   moderator Claire (the Wagtail admin's moderation queue and the coverage
   report). After two warm-up requests per page, one request per page and
   database counts the SQL queries; then `--requests` rounds, each reading
   every page once in both databases (who goes first alternates), time each
   request (wall time in the child: Python and PostgreSQL; CPU time of the
   child alone).
4. A markdown table: per page, the queries in each database (must be equal),
   wall time p50 and p90 in each, the ratio of the 100-town p50 (and p90) to
   the one-town one against the 1.5× limit, CPU p50, and the page's size in
   each (a larger page in the 100-town database shows rows of other towns).

The clients run on the same machine as PostgreSQL: the two databases are read
alternately so that the load of the moment (given at the start and the end)
weighs on both alike.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import BASE_DIR, configure  # noqa: E402

BENCH = configure("sc_bench_towns", "redis://127.0.0.1:6379/7")
MANY_DB = BENCH.db_name
ONE_DB = os.environ.get("BENCH_ONE_TOWN_DATABASE_NAME", f"{MANY_DB}_one")

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.support import (  # noqa: E402
    database_exists,
    load_average,
    percentile,
    prepare_database,
    report,
)

MEMBER_EMAIL = "anne.martin@demo.smartcitizen.fr"
MODERATOR_EMAIL = "claire.moderatrice@demo.smartcitizen.fr"
BENCH_DOMAIN = "towns.bench.invalid"
TOWN_TITLE_PREFIX = "Banc-Commune"
NEIGHBOURHOODS_PER_TOWN = 6
POSTS_PER_TOWN = 100
COMMENTS_PER_POST = 2
REPORTED_PER_TOWN = 20
VISITED_SHARE = 0.10
MEASURED_REPORTS = 30
PAGES = ("feed", "queue", "coverage")
LIMIT = 1.5


# --- building ----------------------------------------------------------------------


def build_one_town() -> None:
    """The demo town, then reports through the real action (in this process's DB)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from community.models import Member
    from feeds.models import ContentState, Post
    from moderation import actions

    prepare_database(BENCH.pg_server, BENCH.db_name, reuse=False)
    posts = list(
        Post.objects.filter(state=ContentState.PUBLISHED).order_by("pk")[
            :MEASURED_REPORTS
        ]
    )
    reporters = list(
        Member.objects.filter(household__isnull=False, is_former_member=False)
        .select_related("user")
        .order_by("pk")[:200]
    )
    made = 0
    for number, post in enumerate(posts):
        for reporter in reporters[number * 3 : number * 3 + 3]:
            if reporter.pk == post.author_id:
                continue
            try:
                actions.check_report(reporter, "post", post.pk, reason="spam")
            except (ValidationError, Http404):
                # Refused (a rate limit), or a post the reporter may not
                # report: of another town of the demo, or hidden for review
                # by the reports before.
                continue
            made += 1
    report(f"one town: {made} reports on {len(posts)} posts through check_report")
    connection.close()


def copy_database(source: str, target: str) -> None:
    """`target` as a copy of `source` (PostgreSQL copies the files: same ids)."""
    for name in (source, target):
        if not name.replace("_", "").isalnum():
            sys.exit(f"bad database name {name!r}")
    with psycopg.connect(f"{BENCH.pg_server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _split(total: int, parts: int) -> list[int]:
    share, rest = divmod(total, parts)
    return [share + (1 if n < rest else 0) for n in range(parts)]


def build_other_towns(towns: int, households: int, seed: int) -> None:
    """Towns 2…N in this process's database, in bulk, drawn from `seed`."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from wagtail.models import Page, Site

    from community import roles
    from community.actions import do_grant_role
    from community.models import (
        Household,
        Member,
        Neighbourhood,
        Role,
        TownPage,
    )

    rng = random.Random(seed)  # noqa: S311 - a reproducible draw, no secret
    now = datetime.now(UTC)
    start = time.perf_counter()
    existing = Household.objects.count()
    if households <= existing:
        sys.exit(f"--households {households}: the demo town has {existing} already")
    counts = _split(households - existing, towns - 1)
    root = Page.get_first_root_node()
    residents = Group.objects.get(name=roles.RESIDENT)
    unusable = make_password(None)
    for number, count in enumerate(counts, start=1):
        with transaction.atomic():
            title = f"{TOWN_TITLE_PREFIX} {number:03d}"
            town = root.add_child(
                instance=TownPage(title=title, slug=f"banc-commune-{number:03d}")
            )
            Site.objects.create(
                hostname=f"commune-{number:03d}.{BENCH_DOMAIN}",
                port=80,
                root_page=town,
                site_name=title,
            )
            _fill_town(town, number, count, rng, now, unusable, residents)
            ambassador = Member.objects.filter(town=town).select_related("user").first()
            do_grant_role(ambassador.user, town, Role.AMBASSADOR)
        if number % 10 == 0:
            report(f"  {number} towns added ({time.perf_counter() - start:.0f} s)")
    report(
        f"100-town database: {TownPage.objects.count()} towns, "
        f"{Household.objects.count()} households, {Member.objects.count()} members, "
        f"{Neighbourhood.objects.count()} neighbourhoods, "
        f"{User.objects.count()} users in {time.perf_counter() - start:.0f} s"
    )
    connection.close()


def _fill_town(town, number, count, rng, now, unusable, residents) -> None:
    from django.contrib.auth.models import User

    from ambassadors.models import Visit
    from ambassadors.models.visits import VisitOutcome, address_key
    from community.models import Household, HouseholdStatus, Member, Neighbourhood
    from feeds.models import Comment, ContentState, Post, PostTarget
    from moderation.models import CaseState, Report, ReportGroup

    places = Neighbourhood.objects.bulk_create(
        Neighbourhood(
            town=town,
            name=f"Quartier {k + 1}",
            slug=f"quartier-{k + 1}",
            household_count=count // NEIGHBOURHOODS_PER_TOWN * 2,
            population=count * 2,
        )
        for k in range(NEIGHBOURHOODS_PER_TOWN)
    )
    days = [rng.randint(1, 400) for _ in range(count)]
    households = Household.objects.bulk_create(
        (
            Household(
                public_id=f"B{number:03d}{index:06d}",
                neighbourhood=places[index % NEIGHBOURHOODS_PER_TOWN],
                status=HouseholdStatus.ACTIVE,
                created_at=now - timedelta(days=days[index]),
                joined_at=now - timedelta(days=days[index]),
            )
            for index in range(count)
        ),
        batch_size=5000,
    )
    emails = [f"c{number:03d}-{index:06d}@{BENCH_DOMAIN}" for index in range(count)]
    users = User.objects.bulk_create(
        (
            User(username=email, email=email, password=unusable, date_joined=now)
            for email in emails
        ),
        batch_size=5000,
    )
    User.groups.through.objects.bulk_create(
        (User.groups.through(user=user, group=residents) for user in users),
        batch_size=5000,
    )
    members = Member.objects.bulk_create(
        (
            Member(
                user=user,
                town=town,
                household=household,
                display_name=f"Habitant {number}-{index}",
                created_at=household.created_at,
                welcome_completed_at=household.created_at,
            )
            for index, (user, household) in enumerate(
                zip(users, households, strict=True)
            )
        ),
        batch_size=5000,
    )
    posts = Post.objects.bulk_create(
        Post(
            town=town,
            author=(author := rng.choice(members)),
            target=PostTarget.NEIGHBOURHOOD,
            neighbourhood=author.household.neighbourhood,
            body=f"Publication {n} de la commune {number}",
            state=ContentState.PUBLISHED,
            client_key=f"banc-{number}-{n}",
            comment_count=COMMENTS_PER_POST,
            created_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
        )
        for n in range(POSTS_PER_TOWN)
    )
    Comment.objects.bulk_create(
        (
            Comment(
                post=post,
                author=rng.choice(members),
                body=f"Commentaire {k} de la publication {post.pk}",
                state=ContentState.PUBLISHED,
                client_key=f"banc-{post.pk}-{k}",
                created_at=post.created_at + timedelta(minutes=k + 1),
            )
            for post in posts
            for k in range(COMMENTS_PER_POST)
        ),
        batch_size=5000,
    )
    reported = posts[:REPORTED_PER_TOWN]
    groups = ReportGroup.objects.bulk_create(
        ReportGroup(
            town=town,
            kind="post",
            object_id=post.pk,
            author=post.author,
            neighbourhood=post.neighbourhood,
            excerpt=post.body[:200],
            state=CaseState.OPEN,
            report_count=(reports := rng.randint(1, 3)),
            reasons=["spam"],
            created_at=post.created_at,
            updated_at=post.created_at + timedelta(minutes=reports),
        )
        for post in reported
    )
    Report.objects.bulk_create(
        Report(
            group=group,
            reporter=reporter,
            kind="post",
            object_id=group.object_id,
            reason="spam",
            created_at=group.updated_at,
        )
        for group in groups
        for reporter in rng.sample(
            [m for m in members[:50] if m.pk != group.author_id], group.report_count
        )
    )
    ambassador = users[0]
    visited = rng.sample(households, int(count * VISITED_SHARE))
    outcomes = [VisitOutcome.SIGNED_UP, VisitOutcome.NOT_INTERESTED]
    Visit.objects.bulk_create(
        (
            Visit(
                ambassador=ambassador,
                neighbourhood=household.neighbourhood,
                street=f"Rue {index % 40 + 1}",
                house_number=str(index + 1),
                address_key=address_key(f"Rue {index % 40 + 1}", str(index + 1)),
                visited_on=(household.created_at - timedelta(days=1)).date(),
                outcome=rng.choice(outcomes),
                household=household,
                created_at=household.created_at,
                updated_at=household.created_at,
            )
            for index, household in enumerate(visited)
        ),
        batch_size=5000,
    )


def counts(database: str) -> tuple[int, int, int]:
    """Towns, households and report groups of a bench database (0s if none)."""
    if not database_exists(BENCH.pg_server, database):
        return 0, 0, 0
    with psycopg.connect(f"{BENCH.pg_server}/{database}") as db:
        try:
            return tuple(
                db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in (
                    "community_townpage",
                    "community_household",
                    "moderation_reportgroup",
                )
            )
        except psycopg.Error:
            return 0, 0, 0


def run_child(role: str, database: str, *extra: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "BENCH_DATABASE_NAME": database}
    return subprocess.Popen(  # noqa: S603 - this script, our arguments
        [sys.executable, str(Path(__file__).resolve()), "--role", role, *extra],
        env=env,
        cwd=BASE_DIR,
        **kwargs,
    )


def build(args) -> None:
    """Both databases; with --reuse-db, what is already complete is kept."""
    start = time.perf_counter()
    if args.reuse_db and counts(MANY_DB)[:2] == (args.towns, args.households):
        # The code may have new migrations since they were built.
        for database in (ONE_DB, MANY_DB):
            if run_child("migrate", database).wait() != 0:
                sys.exit(f"migrating {database} failed")
        report("both databases already built (--reuse-db), migrated")
        return
    towns, _, cases = counts(ONE_DB)
    if not (args.reuse_db and towns == 1 and cases > 0):
        if run_child("build-one", ONE_DB).wait() != 0:
            sys.exit("building the one-town database failed")
    copy_database(ONE_DB, MANY_DB)
    report(f"one-town database ready and copied in {time.perf_counter() - start:.0f} s")
    others = run_child(
        "build-others",
        MANY_DB,
        f"--towns={args.towns}",
        f"--households={args.households}",
        f"--seed={args.seed}",
    )
    if others.wait() != 0:
        sys.exit("building the 100-town database failed")


# --- measuring ---------------------------------------------------------------------


def serve() -> None:
    """Answer one JSON line per request: read a page, say how long it took."""
    # One cache of its own per database: Wagtail keeps its sites' roots there.
    settings.CACHES["default"]["KEY_PREFIX"] = f"towns-bench-{BENCH.db_name}"
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    cache.clear()
    clients = {}
    for who, email in (("member", MEMBER_EMAIL), ("moderator", MODERATOR_EMAIL)):
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[who] = client
    pages = {
        "feed": ("member", reverse("feeds:town")),
        "queue": ("moderator", reverse("moderation_reportgroup:list")),
        "coverage": ("moderator", reverse("ambassadors_coverage")),
    }
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        command = json.loads(line)
        who, url = pages[command["page"]]
        queries = None
        cpu = time.process_time()
        wall = time.perf_counter()
        if command.get("count"):
            with CaptureQueriesContext(connection) as captured:
                response = clients[who].get(url)
            queries = len(captured)
        else:
            response = clients[who].get(url)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        answer = {
            "status": response.status_code,
            "wall": wall,
            "cpu": cpu,
            "queries": queries,
            "bytes": len(response.content),
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


class Side:
    def __init__(self, label: str, database: str) -> None:
        self.label = label
        self.process = run_child(
            "serve",
            database,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = json.loads(self.process.stdout.readline() or "{}")
        if not ready.get("ready"):
            sys.exit(f"the {label} side did not start")

    def read(self, page: str, *, count: bool = False) -> dict:
        self.process.stdin.write(json.dumps({"page": page, "count": count}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer["status"] != 200:
            sys.exit(f"{page} answered {answer['status']} on the {self.label} side")
        return answer

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def measure(args) -> None:
    sides = [Side("one town", ONE_DB), Side(f"{args.towns} towns", MANY_DB)]
    try:
        for page in PAGES:
            for side in sides:
                side.read(page)
                side.read(page)
        counted = {
            (side.label, page): side.read(page, count=True)
            for page in PAGES
            for side in sides
        }
        samples: dict[tuple[str, str], list[dict]] = {key: [] for key in counted}
        for number in range(args.requests):
            order = sides if number % 2 == 0 else sides[::-1]
            for page in PAGES:
                for side in order:
                    samples[(side.label, page)].append(side.read(page))
    finally:
        for side in sides:
            side.close()
    table(sides, counted, samples, args)


def table(sides, counted, samples, args) -> None:
    one, many = (side.label for side in sides)
    report()
    report(
        f"| page | SQL queries, {one} / {many} | wall p50, {one} / {many} "
        f"| wall p90, {one} / {many} | p50 ratio (limit {LIMIT}×) | p90 ratio "
        f"| CPU p50, {one} / {many} | page size, {one} / {many} |"
    )
    report("|---|---|---|---|---|---|---|---|")
    for page in PAGES:
        rows = {}
        for label in (one, many):
            walls = [s["wall"] for s in samples[(label, page)]]
            cpus = [s["cpu"] for s in samples[(label, page)]]
            rows[label] = (
                statistics.median(walls) * 1000,
                percentile(walls, 0.9) * 1000,
                statistics.median(cpus) * 1000,
            )
        queries = (counted[(one, page)]["queries"], counted[(many, page)]["queries"])
        same = "equal" if queries[0] == queries[1] else "**differ**"
        ratio50 = rows[many][0] / rows[one][0]
        ratio90 = rows[many][1] / rows[one][1]
        verdict = "ok" if ratio50 <= LIMIT else "**over**"
        sizes = (counted[(one, page)]["bytes"], counted[(many, page)]["bytes"])
        report(
            f"| {page} | {queries[0]} / {queries[1]} ({same}) "
            f"| {rows[one][0]:.1f} / {rows[many][0]:.1f} ms "
            f"| {rows[one][1]:.1f} / {rows[many][1]:.1f} ms "
            f"| **{ratio50:.2f}** ({verdict}) | {ratio90:.2f} "
            f"| {rows[one][2]:.1f} / {rows[many][2]:.1f} ms "
            f"| {sizes[0]} / {sizes[1]} B |"
        )
    report()
    report(f"{args.requests} requests per page and database, alternated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=100)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="per page and DB")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument(
        "--role", choices=("bench", "build-one", "build-others", "migrate", "serve"),
        default="bench", help=argparse.SUPPRESS,
    )  # fmt: skip
    args = parser.parse_args()
    if args.role == "build-one":
        build_one_town()
    elif args.role == "build-others":
        build_other_towns(args.towns, args.households, args.seed)
    elif args.role == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    elif args.role == "serve":
        serve()
    else:
        report(
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
            f"{os.cpu_count()} CPUs; databases {ONE_DB} and {MANY_DB}"
        )
        build(args)
        measure(args)
        report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
