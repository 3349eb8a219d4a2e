"""daphne with the site's websocket transport limits.

`python -m config.server` takes daphne's own arguments (`-b`, `-p`, `--fd`, the
application path, …) and serves the same way, with two changes:

- daphne reads a whole websocket message before the consumer sees it, up to
  `--websocket-max-message-size` (1 MiB by default). The consumer's own limit
  is 4 KiB (`RealtimeConsumer.max_frame_bytes`): a frame over it is answered
  with `bad_request` and the connection stays. The transport limit here is
  4 MiB, so that a client's bug of a megabyte still gets that clear answer.
- beyond the transport limit autobahn drops the TCP connection without a
  close frame (`failByDrop`); here it sends the close frame 1009 ("message too
  big", RFC 6455) first, which `live.js` treats as "reconnect".
- autobahn lets an application close with 1000 or 3000-4999 only and raises on
  anything else, so the consumer's 1013 "try again later" (Redis or the
  database out of reach) ended in a traceback and a 1011; here the registered
  codes 1012 "service restart" and 1013 are sent as asked.
"""

from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol

TRANSPORT_LIMIT_BYTES = 4 * 1024 * 1024


class SiteServer(Server):
    def run(self) -> None:
        from twisted.internet import reactor

        # `Server.run` builds the websocket factory, starts listening, then
        # runs the reactor: startup callbacks run before any connection is
        # accepted, and every protocol copies the factory's options.
        reactor.callWhenRunning(self._close_frames_instead_of_drops)
        super().run()

    def _close_frames_instead_of_drops(self) -> None:
        self.ws_factory.setProtocolOptions(failByDrop=False)
        self.ws_factory.protocol = SiteWebSocketProtocol


class SiteWebSocketProtocol(WebSocketProtocol):
    # RFC 6455 codes a server sends to say "come back later" (IANA registry).
    RETRY_CODES = frozenset({1012, 1013})

    def sendClose(self, code: int | None = None, reason: str | None = None) -> None:
        if code in self.RETRY_CODES and reason is None:
            # What autobahn's sendClose does once the code is checked.
            self.sendCloseFrame(code=code, isReply=False)
            return
        super().sendClose(code=code, reason=reason)


class SiteCommandLine(CommandLineInterface):
    server_class = SiteServer

    def __init__(self) -> None:
        super().__init__()
        self.parser.set_defaults(
            websocket_max_message_size=TRANSPORT_LIMIT_BYTES,
            websocket_max_frame_size=TRANSPORT_LIMIT_BYTES,
        )


if __name__ == "__main__":
    SiteCommandLine.entrypoint()
