"""The site's ASGI server: uvicorn, with the site's websocket transport limits.

    python -m config.server [-b HOST] [-p PORT | --fd FD] [--workers N]
                            [-v VERBOSITY] [--server uvicorn|daphne] [APPLICATION]

`make run`, the tests (tests/support/asgi_server.py), the benches and a
production unit all start the site this way. uvicorn with httptools, uvloop
and websockets' sans-I/O protocol spends a fraction of daphne's CPU per HTTP
request and per websocket frame (docs/performance.md, « Issue 14 — ASGI server
and live delivery »). What the site asks of the transport, whichever server:

- the server reads a whole websocket message before the consumer sees it. The
  consumer's own limit is 4 KiB (`RealtimeConsumer.max_frame_bytes`): a frame
  over it is answered with `bad_request` and the connection stays. The
  transport limit is 4 MiB, so that a client's bug of a megabyte still gets
  that clear answer;
- beyond the transport limit the server sends the close frame 1009 ("message
  too big", RFC 6455), which `live.js` treats as "reconnect", never a silent
  drop of the TCP connection;
- the registered codes 1012 "service restart" and 1013 "try again later"
  (Redis or the database out of reach) reach the client as the consumer asks;
- no per-message compression: every frame would be deflated once per socket.

uvicorn does all of it as configured below. `--server daphne` serves with
daphne instead (the server before issue 14, kept to compare them): autobahn
drops the connection past the limit and refuses 1012/1013, which
config/daphne_server.py changes.

`--fd` accepts on a listening socket bound by the caller (the tests and the
benches start several processes on one socket, as behind a load balancer);
`--workers N` makes this command start N processes on its own socket.
"""

import argparse
import functools
import gc
import socket
import sys

TRANSPORT_LIMIT_BYTES = 4 * 1024 * 1024
APPLICATION = "config.asgi:application"
# Seconds a stopping process waits for requests in progress; open websockets
# are closed with 1012 at once (clients reconnect and resume with `since`).
GRACEFUL_SHUTDOWN_SECONDS = 5
LOG_LEVELS = {0: "warning", 1: "info"}


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m config.server", description=__doc__.splitlines()[0]
    )
    parser.add_argument("-b", "--bind", default="127.0.0.1", help="host")
    parser.add_argument("-p", "--port", type=int, default=8000)
    parser.add_argument(
        "--fd", type=int, default=None, help="accept on this listening socket"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes (uvicorn only)"
    )
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        default=1,
        help="0: warnings, 1: start and stop, 2: every request too",
    )
    parser.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn")
    parser.add_argument("application", nargs="?", default=APPLICATION)
    return parser.parse_args(argv)


def load_application(path: str):
    """The ASGI application at `path`; then what is loaded stays out of the
    garbage collector's full passes.

    Django, Wagtail and the site leave about 270,000 objects that live as long
    as the process: a full collection walked them all, about 130 ms on the
    2-core bench machine, during which the process sent no frame to any of
    its sockets (issue 14). `gc.freeze()` moves them to the permanent
    generation; objects made later are collected as before. Called by uvicorn
    in each server process (`factory`), `--workers` included.
    """
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.importer import ImportFromStringError, import_from_string

    try:
        application = import_from_string(path)
    except ImportFromStringError as error:
        sys.stderr.write(f"Error loading ASGI app. {error}\n")
        sys.exit(STARTUP_FAILURE)
    gc.freeze()
    return application


def uvicorn_config(arguments: argparse.Namespace):
    """The uvicorn configuration of the site (see the module's docstring)."""
    import uvicorn

    return uvicorn.Config(
        functools.partial(load_application, arguments.application),
        factory=True,
        host=arguments.bind,
        port=arguments.port,
        workers=arguments.workers,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        ws_max_size=TRANSPORT_LIMIT_BYTES,
        ws_per_message_deflate=False,
        # Django's ASGI handler answers HTTP and websockets only.
        lifespan="off",
        # As daphne: the client address is the socket's, not a header's.
        proxy_headers=False,
        server_header=False,
        log_level=LOG_LEVELS.get(arguments.verbosity, "debug"),
        access_log=arguments.verbosity >= 2,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


def serve_uvicorn(arguments: argparse.Namespace) -> None:
    from uvicorn import Server
    from uvicorn.supervisors import Multiprocess

    config = uvicorn_config(arguments)
    if arguments.fd is not None:
        # The family is read from the descriptor (uvicorn's own `fd` assumes a
        # Unix socket).
        listener = socket.socket(fileno=arguments.fd)
    else:
        listener = config.bind_socket()
    if arguments.workers > 1:
        Multiprocess(config, sockets=[listener]).run()
        return
    server = Server(config)
    server.run(sockets=[listener])
    if not server.started:
        sys.exit(3)


def serve_daphne(arguments: argparse.Namespace) -> None:
    if arguments.workers != 1:
        sys.exit("--workers: start several daphne processes on one socket (--fd)")
    where = ["--fd", str(arguments.fd)] if arguments.fd is not None else []
    if not where:
        where = ["-b", arguments.bind, "-p", str(arguments.port)]
    sys.argv = [
        "daphne",
        *where,
        "--verbosity",
        str(arguments.verbosity),
        arguments.application,
    ]
    from config.daphne_server import DaphneCommandLine

    DaphneCommandLine.entrypoint()


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    if arguments.server == "daphne":
        serve_daphne(arguments)
    else:
        serve_uvicorn(arguments)


if __name__ == "__main__":
    main()
