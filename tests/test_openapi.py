"""The committed spec is the app's, and every operation is documented for SDK generators."""

import json

from scripts.export_openapi import SPEC_PATH, render


def test_committed_spec_matches_the_code() -> None:
    assert SPEC_PATH.read_text(encoding="utf-8") == render(), (
        "openapi/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_every_operation_has_id_summary_and_problem_errors() -> None:
    spec = json.loads(render())
    seen = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["operationId"] not in seen
            seen.add(operation["operationId"])
            assert operation.get("summary"), f"{method} {path} has no summary"
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    schema = answer["content"]["application/problem+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}, (
                        method,
                        path,
                        status,
                    )
    assert "imports-create_import" in seen
    assert "HTTPValidationError" not in spec["components"]["schemas"]
