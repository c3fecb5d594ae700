"""SCIM's error shape (RFC 7644 §3.12) on /scim/v2: the errors SCIM code raises (ScimError),
and every other answer of the service's own shape there (problem+json: 401 with
WWW-Authenticate, 403, 404, 405, 413, 429 and 503 with Retry-After, 500) rewritten into it,
whichever layer answered."""

import json
from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.codes import ProblemCode
from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.metrics import SCIM_OPERATIONS

SCIM_MEDIA_TYPE = "application/scim+json"
SCIM_PREFIX = "/scim/v2"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
# The service's problem codes that have a scimType.
_SCIM_TYPES: dict[str, str] = {
    ProblemCode.INVALID_REQUEST: "invalidValue",
    ProblemCode.ADDRESS_TAKEN: "uniqueness",
}
SCIM_ERROR_SCHEMA = {
    "title": "ScimError",
    "description": "An error of /scim/v2 (RFC 7644 §3.12): its status as a string, a scimType "
    "for a 400 or 409, and a detail that quotes no value.",
    "type": "object",
    "required": ["schemas", "status"],
    "properties": {
        "schemas": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "string", "example": "409"},
        "scimType": {"type": "string", "example": "uniqueness"},
        "detail": {"type": "string"},
    },
}


class ScimError(Exception):
    """An error in SCIM's shape: its status, scimType (invalidFilter, invalidValue,
    uniqueness, mutability, noTarget, invalidSyntax, ...) and a detail quoting no value."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def error_body(status: int, detail: str, scim_type: str | None) -> dict[str, str | list[str]]:
    body: dict[str, str | list[str]] = {"schemas": [ERROR_SCHEMA], "status": str(status)}
    if scim_type is not None:
        body["scimType"] = scim_type
    body["detail"] = detail
    return body


async def on_scim_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScimError)
    body = error_body(exc.status, exc.detail, exc.scim_type)
    return JSONResponse(body, status_code=exc.status, media_type=SCIM_MEDIA_TYPE)


def _from_problem(problem: dict[str, object], status: int) -> tuple[int, bytes]:
    # FastAPI's checks of parameters (422) are a SCIM 400.
    shown = HTTPStatus.BAD_REQUEST if status == HTTPStatus.UNPROCESSABLE_ENTITY else status
    detail = str(problem.get("detail") or problem.get("title") or HTTPStatus(status).phrase)
    scim_type = _SCIM_TYPES.get(str(problem.get("code")))
    return shown, json.dumps(error_body(shown, detail, scim_type)).encode()


class ScimErrors:
    """Answers of the service's problem shape under /scim/v2, in SCIM's error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (
            path == SCIM_PREFIX or path.startswith(SCIM_PREFIX + "/")
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        answered = 500

        async def rewrite(message: Message) -> None:
            nonlocal start, answered
            if message["type"] == "http.response.start":
                answered = message["status"]
                headers = MutableHeaders(raw=message["headers"])
                if headers.get("content-type", "").startswith(PROBLEM_MEDIA_TYPE):
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                problem = json.loads(b"".join(chunks) or b"{}")
                status, body = _from_problem(problem, start["status"])
                headers = MutableHeaders(raw=start["headers"])
                headers["content-type"] = SCIM_MEDIA_TYPE
                headers["content-length"] = str(len(body))
                answered = status
                await send({**start, "status": status})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        try:
            await self.app(scope, receive, rewrite)
        finally:
            operation = getattr(scope.get("route"), "name", None) or "unmatched"
            SCIM_OPERATIONS.labels(operation, str(answered)).inc()
