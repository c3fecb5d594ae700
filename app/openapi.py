"""The OpenAPI document: FastAPI's, with error answers typed application/problem+json."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.errors import PROBLEM_MEDIA_TYPE


def operation_id(route: APIRoute) -> str:
    """Clean ids for generated SDKs: tag-name, e.g. imports-create_import."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def _problem_content(spec: dict[str, Any]) -> dict[str, Any]:
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    return spec


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = _problem_content(spec)
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
