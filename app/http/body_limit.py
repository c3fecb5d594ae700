"""A pure ASGI middleware that refuses request bodies over a size, before and while reading."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import UploadTooLargeError, problem_response


class BodySizeLimit:
    """413 when Content-Length says too much, or when the streamed bytes pass the limit.

    Counting the stream catches chunked and lying clients: the app never receives more than
    max_bytes, so nothing buffers more than that.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> UploadTooLargeError:
        mib = self.max_bytes / (1024 * 1024)
        return UploadTooLargeError(
            f"The request body is larger than {mib:g} MiB; split the file and upload it in parts."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            response = problem_response(self._too_large().to_problem(), {"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()  # answered as a 413 problem by the error handlers
            return message

        await self.app(scope, limited_receive, send)
