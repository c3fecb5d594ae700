"""The codes the document lists are the codes the service can answer with, and no others."""

import ast
import json
import re
from pathlib import Path

from app.core.codes import ProblemCode, RowCode
from scripts.export_openapi import render

APP = Path(__file__).resolve().parents[2] / "app"


def listed_codes(schema: dict[str, object]) -> set[str]:
    description = str(schema["description"])
    from_description = set(re.findall(r"^- `([a-z0-9_]+)`", description, flags=re.MULTILINE))
    assert from_description == set(schema["examples"])  # type: ignore[call-overload]
    return from_description


def test_the_document_lists_every_code_and_no_other() -> None:
    schemas = json.loads(render())["components"]["schemas"]

    assert listed_codes(schemas["RowError"]["properties"]["code"]) == set(RowCode)
    assert listed_codes(schemas["Problem"]["properties"]["code"]) == set(ProblemCode)
    assert "enum" not in schemas["RowError"]["properties"]["code"]  # open to new codes


def app_sources() -> dict[Path, str]:
    return {path: path.read_text() for path in APP.rglob("*.py") if path.name != "codes.py"}


def test_every_code_is_emitted_somewhere() -> None:
    sources = "\n".join(app_sources().values())
    unused = [
        f"{kind.__name__}.{member.name}"
        for kind in (RowCode, ProblemCode)
        for member in kind
        if f"{kind.__name__}.{member.name}" not in sources
    ]
    assert unused == []


def test_no_code_is_written_as_a_bare_string() -> None:
    """A code is only ever emitted through its enum member, so the lists above are complete."""
    codes = {code.value for code in RowCode} | {code.value for code in ProblemCode}
    bare = [
        f"{path.name}:{node.lineno} {node.value!r}"
        for path, source in app_sources().items()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and node.value in codes
    ]
    assert bare == []
