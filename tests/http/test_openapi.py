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
                if int(status) >= 400 and path.startswith("/scim/v2") and status != "431":
                    schema = answer["content"]["application/scim+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ScimError"}, (method, path)
                elif int(status) >= 400:
                    schema = answer["content"]["application/problem+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}, (
                        method,
                        path,
                        status,
                    )
    assert seen == {
        "get_template", "create_import", "list_imports", "get_import", "cancel_import",
        "revert_import", "list_users", "get_user", "patch_user", "delete_user", "list_events",
        "healthz", "readyz", "metrics", "scim_service_provider_config", "scim_resource_types",
        "scim_resource_type", "scim_schemas", "scim_schema", "scim_list_users",
        "scim_search", "scim_search_users", "scim_create_user", "scim_get_user", "scim_put_user",
        "scim_patch_user", "scim_delete_user",
    }  # fmt: skip
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_public_operations_say_so_and_answer_headers_are_declared() -> None:
    spec = json.loads(render())
    operations = {
        operation["operationId"]: operation
        for methods in spec["paths"].values()
        for operation in methods.values()
    }

    assert spec["servers"]
    for public in ("get_template", "healthz", "readyz"):
        assert operations[public]["security"] == []
    assert operations["list_users"]["security"] == [{"ApiKey": []}]
    created = operations["create_import"]["responses"]
    assert set(created["201"]["headers"]) == set(created["202"]["headers"]) == {"Location"}
    assert set(created["401"]["headers"]) == {"WWW-Authenticate"}
    assert set(created["429"]["headers"]) == {"Retry-After"}
    template = operations["get_template"]["responses"]["200"]
    assert set(template["headers"]) == {"Content-Disposition"}


def test_the_row_contract_is_a_component_with_the_template_columns() -> None:
    row = json.loads(render())["components"]["schemas"]["UserRow"]

    assert list(row["properties"]) == [
        "Email", "Name", "Password", "Force Change Password", "Password Hash", "Aliases",
        "Active",
    ]  # fmt: skip
    assert row["required"] == ["Email", "Name", "Password", "Force Change Password"]
    assert row["properties"]["Password"]["writeOnly"] is True
