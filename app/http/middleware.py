"""Pure ASGI middlewares that keep every answer in shape: HEAD, overload and unhandled errors."""

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import OverloadedError, ProblemError
from app.http.problems import problem_response

logger = logging.getLogger("userimport.errors")


class HeadAsGet:
    """HEAD on any GET route: the GET's status and headers (Content-Length too), no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_head)


class InFlightLimit:
    """Requests in progress at once; more are answered 503 with Retry-After at once.

    Counted per request, not per connection: idle connections cost nothing here (the server
    protocol closes them), so they cannot lock other clients out."""

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_requests:
            error = OverloadedError("The service is at its limit of requests; try again soon.")
            await problem_response(error.to_problem(), error.headers)(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class UnhandledErrorAsProblem:
    """The last resort, inside the CORS and security-header middlewares: an unexpected error
    is logged and answered as a 500 problem carrying their headers, and the connection is
    kept (Starlette's own handler answers outside them and closes it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
            if started:
                raise  # part of an answer is out: only closing the connection can tell
            error = ProblemError("The service failed; the error has been logged.")
            await problem_response(error.to_problem())(scope, receive, send)
