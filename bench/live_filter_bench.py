"""CPU of one live frame's delivery decision per socket, with the per-viewer filter.

    DJANGO_SETTINGS_MODULE=config.settings.test PYTHONPATH=. \\
        .venv/bin/python bench/live_filter_bench.py [--sockets 600] [--frames 2000]

What the hub's task runs for every local subscriber of a stream when a frame
comes (`RealtimeConsumer.live`: position check, the viewer's filter, the push),
with the socket write replaced by a list append, so that only the decision is
timed: no server, no Redis, no database. Three cases: nobody hides anyone,
every viewer hides 20 members (not the author), every viewer hides the author
(the frame is dropped). The same script runs against an older commit (it sets
the filter's attributes whether the consumer reads them or not) for the
before/after in docs/performance.md. Best of 5 rounds, nanoseconds per socket.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.environment import configure  # noqa: E402

configure("sc_bench_filter", "redis://127.0.0.1:6379/7")

from bench.support import report  # noqa: E402
from realtime.consumers import RealtimeConsumer  # noqa: E402
from realtime.publish import encode_frame  # noqa: E402

STREAM = "town:1"
AUTHOR = 7


def subscribers(count: int, hidden: set[int], sink: list) -> list[RealtimeConsumer]:
    made = []
    for number in range(count):
        consumer = RealtimeConsumer()
        consumer.positions = {STREAM: 0}
        consumer.held = {}
        consumer.backlog = None
        consumer.hidden = set(hidden)
        consumer.pending_hides = None
        consumer.own_stream = f"user:{1000 + number}"
        consumer._push = sink.append
        made.append(consumer)
    return made


def message(seq: int) -> dict:
    frame = {"stream": STREAM, "id": seq, "event": "post.created", "data": {}}
    return {
        "type": "realtime.event",
        "stream": STREAM,
        "id": seq,
        "seq": seq,
        "event": "post.created",
        "members": [AUTHOR],
        "text": encode_frame(frame),
    }


def round_ns(count: int, frames: int, hidden: set[int]) -> tuple[float, int]:
    sink: list = []
    consumers = subscribers(count, hidden, sink)
    messages = [message(seq) for seq in range(1, frames + 1)]
    start = time.perf_counter_ns()
    for item in messages:
        for consumer in consumers:
            consumer.live(item)
    elapsed = time.perf_counter_ns() - start
    return elapsed / (count * frames), len(sink)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=600)
    parser.add_argument("--frames", type=int, default=2000)
    args = parser.parse_args()
    cases = {
        "nobody hidden": set(),
        "20 others hidden": set(range(100, 120)),
        "author hidden": {AUTHOR, *range(100, 119)},
    }
    for name, hidden in cases.items():
        best, sent = min(round_ns(args.sockets, args.frames, hidden) for _ in range(5))
        report(f"{name:>18}: {best:6.0f} ns per socket and frame ({sent} sent)")


if __name__ == "__main__":
    main()
