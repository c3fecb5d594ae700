"""Each request's id (X-Request-ID, taken when sane, else made), its access-log line (the
route template, never a query string) and its metrics."""

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logs import request_id
from app.core.metrics import LATENCY, REQUESTS

REQUEST_ID_HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
access_log = logging.getLogger("userimport.access")


def _given_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SANE.fullmatch(text) else None
    return None


# The methods a metric or a log line names; anything a client makes up is "other", so no
# request can add a label value (a series) of its own.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "other"


def _route(scope: Scope) -> str:
    """The matched route's template (/imports/{import_id}); never the path as sent."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else "unmatched"


class RequestContext:
    """Outermost middleware: every answer, problems included, carries the request's id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _given_id(scope) or uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER.lower().encode(), rid.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route, method = _route(scope), method_label(scope["method"])
            REQUESTS.labels(route, method, str(status)).inc()
            LATENCY.labels(route, method).observe(elapsed)
            access_log.info(
                "%s %s %d %.1fms", method, route, status, elapsed * 1000,
                extra={"method": method, "route": route, "status": status,
                       "duration_ms": round(elapsed * 1000, 1)},
            )  # fmt: skip
            request_id.reset(token)
