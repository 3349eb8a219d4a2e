"""One grid-alert push to 600 subscribed devices through the local push emulator.

600 members of the demo town each get a real subscription from the emulator
(`web-push-testing`, which checks every push's VAPID token and decrypts it)
and a PushDevice row. Then, twice:
- `deliver`: the batch sent directly by push.sending (the sender pool), timed
  from the devices query to the outcomes written;
- `notify`: what gridalerts does, 600 `common.notify.send_notification(...,
  verb="grid_alert")` in one transaction with the background dispatcher
  (PUSH_INLINE off): the time the transaction takes (the request's cost), then
  the time until every device's last use is refreshed (all pushes answered).
A sample of subscriptions is read back from the emulator and checked.
Figures go to the end of docs/performance.md by hand.

    make bench-push
    PUSH_BENCH_ARGS="--reuse-db --devices 600 --concurrency 16" make bench-push
"""

import argparse
import json
import time
from datetime import UTC, datetime

import redis

from bench.environment import configure

BENCH = configure("sc_bench_push", "redis://127.0.0.1:6379/12")

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from bench.support import load_average, prepare_database, report  # noqa: E402
from tests.support.push_emulator import running_emulator  # noqa: E402

BENCH_PREFIX = "bench-push-"


def members(count: int) -> list:
    """`count` members of the demo town made for the bench (kept between runs)."""
    from django.contrib.auth import get_user_model

    from community.models import Member, TownPage
    from demo.town import TOWN_SLUG

    town = TownPage.objects.get(slug=TOWN_SLUG)
    user_model = get_user_model()
    have = Member.objects.filter(user__username__startswith=BENCH_PREFIX).count()
    users = user_model.objects.bulk_create(
        user_model(
            username=f"{BENCH_PREFIX}{n}", email=f"{BENCH_PREFIX}{n}@example.org"
        )
        for n in range(have, count)
    )
    Member.objects.bulk_create(
        Member(user=user, town=town, display_name=f"Foyer {user.pk}") for user in users
    )
    return list(
        Member.objects.filter(user__username__startswith=BENCH_PREFIX)
        .select_related("town")
        .order_by("pk")[:count]
    )


def subscribe_all(emulator, chosen: list) -> dict[int, str]:
    """A fresh emulator subscription and device per member; member id → hash."""
    from push.models import PushDevice

    PushDevice.objects.filter(member__in=chosen).delete()
    hashes, rows = {}, []
    for member in chosen:
        sub = emulator.subscribe()
        hashes[member.pk] = sub["clientHash"]
        rows.append(
            PushDevice(
                member=member,
                endpoint=sub["endpoint"],
                p256dh=sub["keys"]["p256dh"],
                auth=sub["keys"]["auth"],
                browser="Chrome sur Android",
            )
        )
    PushDevice.objects.bulk_create(rows)
    return hashes


def alert_data(run: str) -> dict:
    return {
        "kind": "grid_alert",
        "title": "Alerte Ecowatt rouge",
        "url": "/defis/",
        "excerpt": f"Demain 18 h – 20 h : baissons ensemble ({run})",
    }


def check_sample(emulator, hashes: dict[int, str], run: str, sample: int = 20) -> int:
    """How many of a sample of subscriptions received this run's alert."""
    received = 0
    for client_hash in list(hashes.values())[:sample]:
        bodies = [json.loads(m) for m in emulator.messages(client_hash)]
        received += any(run in body["body"] for body in bodies)
    return received


def notify_all(chosen: list, town, run: str) -> tuple[float, float, datetime]:
    """600 grid-alert notifications in one transaction, as gridalerts sends
    them: seconds to write, seconds to commit (after-commit work included)."""
    from common.notify import send_notification

    begin = time.perf_counter()
    with transaction.atomic():
        for member in chosen:
            send_notification(
                member.user_id, actor=town, verb="grid_alert", data=alert_data(run)
            )
        marked = datetime.now(UTC)
        written = time.perf_counter() - begin
    return written, time.perf_counter() - begin, marked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--reuse-db", action="store_true")
    args = parser.parse_args()
    settings.SMARTCITIZEN["PUSH_CONCURRENCY"] = args.concurrency
    report(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load_average()}, "
        f"{args.devices} devices, {args.concurrency} senders"
    )
    # The bench's own Redis database: an earlier run's rate-limit counters
    # refused the demo's seeding when run again within minutes.
    redis.Redis.from_url(BENCH.redis_url).flushdb()
    prepare_database(BENCH.pg_server, BENCH.db_name, reuse=args.reuse_db)
    from common.notify import localised_excerpt
    from push import sending
    from push.models import PushDevice

    chosen = members(args.devices)
    with running_emulator() as emulator:
        start = time.perf_counter()
        hashes = subscribe_all(emulator, chosen)
        report(f"{len(hashes)} subscriptions in {time.perf_counter() - start:.1f} s")

        batch = [(m.user_id, "grid_alert", alert_data("deliver")) for m in chosen]
        start = time.perf_counter()
        outcomes = sending.deliver(batch, localised_excerpt)
        took = time.perf_counter() - start
        report(
            f"deliver: {sum(outcomes.values())} pushes in {took:.2f} s, "
            f"{sum(outcomes.values()) / took:.0f} pushes/s, outcomes {dict(outcomes)}, "
            f"sample received {check_sample(emulator, hashes, 'deliver')}/20"
        )

        settings.SMARTCITIZEN["PUSH_INLINE"] = False
        town = chosen[0].town
        # The same transaction with push off: what the notifications cost alone.
        key = settings.SMARTCITIZEN["VAPID_PRIVATE_KEY"]
        settings.SMARTCITIZEN["VAPID_PRIVATE_KEY"] = ""
        written, committed, _marked = notify_all(chosen, town, "baseline")
        report(
            f"notify without push: written in {written:.2f} s, "
            f"committed (live badges published) at {committed:.2f} s"
        )
        settings.SMARTCITIZEN["VAPID_PRIVATE_KEY"] = key
        begin = time.perf_counter()
        written, committed, marked = notify_all(chosen, town, "notify")
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline:
            done = PushDevice.objects.filter(
                member__in=chosen, last_used_at__gte=marked
            ).count()
            if done >= len(chosen):
                break
            time.sleep(0.05)
        total = time.perf_counter() - begin
        report(
            f"notify: {len(chosen)} notifications written in {written:.2f} s, "
            f"committed (pushes queued) at {committed:.2f} s; "
            f"{done} devices answered {total:.2f} s after the start "
            f"({done / total:.0f} pushes/s end to end), "
            f"sample received {check_sample(emulator, hashes, 'notify')}/20"
        )
    report(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
