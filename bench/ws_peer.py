"""A bare `websockets` broadcast server, the floor our live delivery is measured by.

    .venv/bin/python bench/ws_peer.py --fd N     (started by bench/ws_bench.py)

One process, one event loop, no Django, no Redis, no authentication: a socket
that sends `subscribe` is answered `subscribed` and joins the listeners; a
socket that sends `broadcast:<text>` has `<text>` sent to every listener with
`websockets`' own `broadcast()` (one write per socket, no per-socket task).
Nothing else. The listening socket is bound by the bench and handed over
(`--fd`), as the bench does for daphne.
"""

import argparse
import asyncio
import socket

from websockets.asyncio.server import ServerConnection, broadcast, serve

BROADCAST = "broadcast:"
listeners: set[ServerConnection] = set()


async def handler(connection: ServerConnection) -> None:
    try:
        async for message in connection:
            if not isinstance(message, str):
                continue
            if message.startswith(BROADCAST):
                broadcast(listeners, message.removeprefix(BROADCAST))
            elif message == "subscribe":
                listeners.add(connection)
                await connection.send("subscribed")
    finally:
        listeners.discard(connection)


async def main(fd: int) -> None:
    listener = socket.socket(fileno=fd)
    async with serve(
        handler,
        sock=listener,
        compression=None,
        ping_interval=None,
        max_size=2**20,
    ) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True)
    asyncio.run(main(parser.parse_args().fd))
