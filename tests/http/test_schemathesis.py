"""Schemathesis drives the committed openapi/openapi.json against the running app."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scripts.export_openapi import SPEC_PATH
from tests.conftest import ADMIN_KEY, AppFactory
from tests.live_server import serve

schema = schemathesis.openapi.from_path(SPEC_PATH)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def base_url(app_factory: AppFactory) -> Iterator[str]:
    with serve(app_factory()) as url:
        yield url


@schema.auth()
class AdminKey:
    """The admin key, applied by schemathesis so it can also try requests without it."""

    def get(self, case: schemathesis.Case[Any], context: Any) -> str:
        return ADMIN_KEY

    def set(self, case: schemathesis.Case[Any], data: str, context: Any) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_honours_its_spec(case: schemathesis.Case[Any], base_url: str) -> None:
    case.call_and_validate(base_url=base_url, checks=CHECKS)
