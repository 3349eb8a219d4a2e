"""daphne with the site's websocket transport limits (`config.server --server daphne`).

The server before issue 14, kept to compare with uvicorn (bench/peer_bench.py,
bench/ws_bench.py `--server daphne`). Imported only when asked for: daphne
installs Twisted's asyncio reactor on import.
"""

from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol

from config.server import TRANSPORT_LIMIT_BYTES


class SiteServer(Server):
    def run(self) -> None:
        from twisted.internet import reactor

        # `Server.run` builds the websocket factory, starts listening, then
        # runs the reactor: startup callbacks run before any connection is
        # accepted, and every protocol copies the factory's options.
        reactor.callWhenRunning(self._close_frames_instead_of_drops)
        super().run()

    def _close_frames_instead_of_drops(self) -> None:
        # Beyond the limit autobahn drops the TCP connection without a close
        # frame (`failByDrop`): send 1009 first.
        self.ws_factory.setProtocolOptions(failByDrop=False)
        self.ws_factory.protocol = SiteWebSocketProtocol


class SiteWebSocketProtocol(WebSocketProtocol):
    # RFC 6455 codes a server sends to say "come back later" (IANA registry);
    # autobahn lets an application close with 1000 or 3000-4999 only.
    RETRY_CODES = frozenset({1012, 1013})

    def sendClose(self, code: int | None = None, reason: str | None = None) -> None:
        if code in self.RETRY_CODES and reason is None:
            # What autobahn's sendClose does once the code is checked.
            self.sendCloseFrame(code=code, isReply=False)
            return
        super().sendClose(code=code, reason=reason)


class DaphneCommandLine(CommandLineInterface):
    server_class = SiteServer

    def __init__(self) -> None:
        super().__init__()
        self.parser.set_defaults(
            websocket_max_message_size=TRANSPORT_LIMIT_BYTES,
            websocket_max_frame_size=TRANSPORT_LIMIT_BYTES,
        )
