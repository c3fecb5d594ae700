"""The OpenAPI document: FastAPI's, with error answers typed application/problem+json, the
answer headers declared, public operations marked, and the row contract as a component."""

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.core.errors import PROBLEM_MEDIA_TYPE

# Public operations: no API key (`security: []` in the document).
PUBLIC = {"get_template", "healthz", "readyz"}
SERVERS = [{"url": "/", "description": "The service that serves this document."}]

_HEADERS: dict[str, dict[str, Any]] = {
    "Location": {
        "description": "Where the import's record is: GET it (a job: poll it until it ends).",
        "schema": {"type": "string", "example": "/imports/42"},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme: Bearer.",
        "schema": {"type": "string", "example": "Bearer"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "example": 5},
    },
    "Content-Disposition": {
        "description": "The file name to save the answer as.",
        "schema": {"type": "string", "example": 'attachment; filename="User Import Template.csv"'},
    },
}
_HEADERS_BY_STATUS = {
    "201": ["Location"],
    "202": ["Location"],
    "401": ["WWW-Authenticate"],
    "429": ["Retry-After"],
    "503": ["Retry-After"],
}


def operation_id(route: APIRoute) -> str:
    """Ids that read well as generated SDK functions: create_import, list_users..."""
    return route.name


def _declare_headers(operation_id: str, status: str, answer: dict[str, Any]) -> None:
    names = list(_HEADERS_BY_STATUS.get(status, []))
    if operation_id == "get_template" and status == "200":
        names.append("Content-Disposition")
    if operation_id != "create_import" and status in ("201", "202"):
        names.remove("Location")
    if names:
        answer["headers"] = {name: _HEADERS[name] for name in names}


# What the server itself may answer to any request, before it reaches an operation.
_ANY_REQUEST = {
    "431": "The request line and headers are over 16 KiB (headers_too_large).",
}


def _finish(spec: dict[str, Any], components: dict[str, dict[str, Any]]) -> dict[str, Any]:
    problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if operation["operationId"] in PUBLIC:
                operation["security"] = []
            for status, description in _ANY_REQUEST.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": problem}
                )
            if operation.get("tags") == ["scim"]:  # FastAPI's 422 is a SCIM 400 there
                operation["responses"].pop("422", None)
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
                _declare_headers(operation["operationId"], status, answer)
    spec["components"]["schemas"].update(components)
    if "HTTPValidationError" not in json.dumps(spec["paths"]):
        for unused in ("HTTPValidationError", "ValidationError"):
            spec["components"]["schemas"].pop(unused, None)
    return spec


def install_openapi(app: FastAPI, components: dict[str, dict[str, Any]]) -> None:
    """The document, built once; components: schemas no operation names (a contract shown
    for itself)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                servers=SERVERS,
            )
            app.openapi_schema = _finish(spec, components)
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
