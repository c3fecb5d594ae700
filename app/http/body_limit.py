"""A pure ASGI middleware that refuses request bodies over a size, before and while reading."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import UploadTooLargeError
from app.http.problems import problem_response


class BodySizeLimit:
    """413 when Content-Length says too much, or when the streamed bytes pass the limit.

    Counting the stream catches chunked and lying clients: the app never receives more than
    the limit. POST to upload_path (an import) may send up to upload_max_bytes when given:
    the route holds at most max_bytes of it and stages the rest as it arrives.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_max_bytes: int | None = None,
        upload_path: str = "/imports",
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_path = upload_path

    def _limit(self, scope: Scope) -> int:
        upload = scope["method"] == "POST" and scope["path"] == self.upload_path
        if upload and self.upload_max_bytes is not None:
            return max(self.max_bytes, self.upload_max_bytes)
        return self.max_bytes

    @staticmethod
    def _too_large(limit: int) -> UploadTooLargeError:
        mib = limit / (1024 * 1024)
        return UploadTooLargeError(
            f"The request body is larger than {mib:g} MiB; split the file and upload it in parts."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem_response(
                self._too_large(limit).to_problem(), {"Connection": "close"}
            )
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise self._too_large(limit)  # answered as a 413 problem by the handlers
            return message

        await self.app(scope, limited_receive, send)
