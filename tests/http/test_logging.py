import logging
import re

import httpx
import pytest

from tests.helpers import csv_bytes, upload

pytestmark = pytest.mark.anyio


async def test_one_line_per_import_attempt_without_cell_values(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rows = [["secret.person@example.com", "Secret Name", "Hunter-22-pw", "TRUE"]]

    ok = await upload(client, csv_bytes(rows))
    refused = await upload(client, csv_bytes(rows))

    lines = [r.getMessage() for r in caplog.records if r.name == "userimport.imports"]
    assert len(lines) == 2
    expected = rf"import id={ok.json()['id']} outcome=completed dry_run=False rows=1 added=1 updated=0 skipped=0"
    assert re.fullmatch(expected + r" errors=0 duration_ms=\d+", lines[0])
    assert f"id={refused.json()['import_id']} outcome=failed" in lines[1]
    everything = caplog.text
    for value in ("secret.person", "Secret Name", "Hunter-22-pw"):
        assert value not in everything
