"""How the service is served: uvicorn on h11, with a protocol that guards each connection.

uvicorn alone has no deadline for a request head, bounds a head only while it is unfinished,
and counts idle connections toward one limit whose 503 is plain text. `GuardedH11Protocol`
adds: a deadline for each request head (`USERIMPORT_HEADER_TIMEOUT_SECONDS`), a head-size
limit however the bytes arrive, and a cap on open connections answered as problem+json.
Requests in progress are capped by app.http.middleware.InFlightLimit; idle keep-alive connections
are closed by uvicorn after `USERIMPORT_KEEP_ALIVE_SECONDS`.

`userimport serve` (used by `make run` and the Dockerfile) and the live-server tests both
start uvicorn from here, so the limits that are tested are the limits that run.
"""

import asyncio
import json
import sys
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.core.codes import ProblemCode
from app.core.config import Settings, get_settings
from app.core.errors import PROBLEM_MEDIA_TYPE, problem_type
from app.core.logs import configure_logging

MAX_HEAD_BYTES = 16 * 1024  # request line + headers: more is a 431
_HEAD_ENDS = (b"\r\n\r\n", b"\n\n")


def raw_problem(
    status: HTTPStatus, code: ProblemCode, detail: str, *extra: tuple[str, str]
) -> bytes:
    """A whole HTTP/1.1 problem+json answer that closes the connection, for the moments
    before a request exists (so before the app and its middlewares can answer)."""
    body = json.dumps(
        {
            "type": problem_type(code),
            "title": status.phrase,
            "status": int(status),
            "detail": detail,
            "code": code.value,
        }
    ).encode()
    headers = [
        ("content-type", PROBLEM_MEDIA_TYPE),
        ("content-length", str(len(body))),
        ("connection", "close"),
        ("x-content-type-options", "nosniff"),
        *extra,
    ]
    head = f"HTTP/1.1 {int(status)} {status.phrase}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("latin-1") + b"\r\n" + body


class GuardedH11Protocol(H11Protocol):
    header_timeout: float = 10.0
    max_connections: int = 1000
    max_head_bytes: int = MAX_HEAD_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head = bytearray()
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._refuse(
                HTTPStatus.SERVICE_UNAVAILABLE,
                ProblemCode.OVERLOADED,
                "The service has too many open connections; try again soon.",
                ("retry-after", "1"),
            )
            return
        self._await_head()

    def _await_head(self) -> None:
        """A new request head may start now: it must be complete within the deadline."""
        self._head.clear()
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self._head:  # a head was begun: say why the connection ends
            detail = f"The request head did not arrive within {self.header_timeout:g} seconds."
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, ProblemCode.REQUEST_TIMEOUT, detail)
        else:  # nothing was ever sent: just let go of the socket
            self.transport.close()

    def _refuse(
        self, status: HTTPStatus, code: ProblemCode, detail: str, *extra: tuple[str, str]
    ) -> None:
        self._stop_head_timer()
        self.transport.write(raw_problem(status, code, detail, *extra))
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is not None:  # reading a request head: bound it
            searched_from = max(0, len(self._head) - 3)
            self._head += data
            ends = [self._head.find(end, searched_from) for end in _HEAD_ENDS]
            found = [end + 4 for end in ends if end >= 0]
            size = min(found) if found else len(self._head)
            if size > self.max_head_bytes:
                detail = f"The request line and headers exceed {self.max_head_bytes} bytes."
                self._refuse(
                    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    ProblemCode.HEADERS_TOO_LARGE,
                    detail,
                )
                return
        super().data_received(data)
        if self._head_timer is not None and self.conn.their_state is not h11.IDLE:
            self._stop_head_timer()  # the head is complete: the request is under way
            self._head.clear()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        detail = "The request is not valid HTTP/1.1."
        self._refuse(HTTPStatus.BAD_REQUEST, ProblemCode.INVALID_HTTP, detail)


def guarded_protocol(settings: Settings) -> type[GuardedH11Protocol]:
    """The protocol class with this configuration's limits."""
    return type(
        "ConfiguredH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout": settings.header_timeout_seconds,
            "max_connections": settings.max_connections,
        },
    )


def server_config(
    app: Any, host: str, port: int, settings: Settings | None = None, **extra: Any
) -> uvicorn.Config:
    settings = settings or get_settings()
    limits: dict[str, Any] = {
        "http": guarded_protocol(settings),
        # An unfinished head is bounded by h11 too; a finished one by the protocol above.
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        "limit_concurrency": None,  # requests: InFlightLimit; connections: the protocol
        "timeout_keep_alive": settings.keep_alive_seconds,
        # Our own access log (app/http/request_context.py) names the route, never a query string.
        "access_log": False,
        # uvicorn's own lines go through the root logger: in the service's format (JSON).
        "log_config": None,
    }
    return uvicorn.Config(app, host=host, port=port, **{**limits, **extra})


# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). The
# server's threads do CPU work (a dry run's merge, a directory check's parameters); at 1 ms
# the event loop waits for them no longer than that, and requests keep their latency.
GIL_SWITCH_SECONDS = 0.001


def serve(host: str, port: int, log_level: str = "info") -> None:
    settings = get_settings()
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    configure_logging(settings.log_level, settings.log_format)  # before uvicorn's first line
    config = server_config("app.main:create_app", host, port, log_level=log_level, factory=True)
    try:
        uvicorn.Server(config).run()
    except KeyboardInterrupt:  # Ctrl+C: uvicorn shut down cleanly, then raised it again
        raise SystemExit(130) from None
