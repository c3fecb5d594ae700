"""What operators and browser front ends get: metrics, request ids, JSON log lines, CORS."""

import json
import re
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.auth.keys import Role
from bench.server import Server
from tests.auth.test_auth import create_key
from tests.conftest import ADMIN_AUTH, AppFactory, make_client
from tests.helpers import csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text (0 when absent), labels in any order."""
    for line in text.splitlines():
        found = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if found is None or found.group(1) != name:
            continue
        pairs = dict(re.findall(r'(\w+)="([^"]*)"', found.group(2) or ""))
        if pairs == labels:
            return float(found.group(3))
    return 0.0


async def test_metrics_move_with_imports(client: httpx.AsyncClient, app: FastAPI) -> None:
    reader = create_key(app, "prometheus", Role.READER)
    auth = {"Authorization": f"Bearer {reader}"}
    before = (await client.get("/metrics", headers=auth)).text

    assert (await upload(client, csv_bytes(user_rows(3)))).status_code == 201
    assert (
        await upload(client, csv_bytes([["bad", "X", "Long-Enough-1", "TRUE"]]))
    ).status_code == 422
    answer = await client.get("/metrics", headers=auth)
    after = answer.text

    assert answer.headers["content-type"].startswith("text/plain")
    for outcome in ("completed", "failed"):
        key = {"outcome": outcome, "job": "false"}
        assert (
            sample(after, "userimport_imports_total", **key)
            == sample(before, "userimport_imports_total", **key) + 1
        )
    assert (
        sample(after, "userimport_users_added_total")
        - sample(before, "userimport_users_added_total")
        == 3
    )
    assert (
        sample(after, "userimport_rows_checked_total")
        - sample(before, "userimport_rows_checked_total")
        == 4
    )
    created = {"route": "/imports", "method": "POST", "status": "201"}
    assert sample(after, "userimport_http_requests_total", **created) >= 1
    assert sample(after, "userimport_hashing_seconds_total") > sample(
        before, "userimport_hashing_seconds_total"
    )
    assert 'userimport_jobs{status="queued"}' in after
    assert "userimport_db_pool_in_use" in after
    assert "userimport_http_request_duration_seconds_bucket" in after


async def test_metrics_need_a_key_or_the_metrics_token(app_factory: AppFactory) -> None:
    app = app_factory(metrics_token="scrape-token-0123456789")
    async with make_client(app, headers={}) as anonymous:
        refused = await anonymous.get("/metrics")
        wrong = await anonymous.get("/metrics", headers={"Authorization": "Bearer nope"})
        token = await anonymous.get(
            "/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"}
        )

    assert (refused.status_code, wrong.status_code, token.status_code) == (401, 401, 200)


async def test_a_sane_request_id_is_echoed_and_others_are_replaced(
    client: httpx.AsyncClient,
) -> None:
    given = await client.get("/imports/424242", headers={"X-Request-ID": "trace-abc.123"})
    insane = await client.get("/healthz", headers={"X-Request-ID": "has spaces and <tags>"})
    none = await client.get("/healthz")

    assert given.headers["x-request-id"] == "trace-abc.123"
    assert given.json()["request_id"] == "trace-abc.123"  # in the problem body too
    assert re.fullmatch(r"[0-9a-f]{32}", insane.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", none.headers["x-request-id"])
    assert none.headers["x-request-id"] != insane.headers["x-request-id"]


async def test_cors_as_a_browser_needs_it(app_factory: AppFactory) -> None:
    app = app_factory(cors_origins="https://console.example/,https://other.example")
    async with make_client(app) as http:
        preflight = await http.options(
            "/imports",
            headers={
                "Origin": "https://console.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, idempotency-key, x-request-id",
            },
        )
        answer = await upload(http, csv_bytes(user_rows(1)))
        cross = await http.get("/healthz", headers={"Origin": "https://console.example"})

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://console.example"
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "idempotency-key" in allowed and "x-request-id" in allowed
    exposed = {h.strip().lower() for h in cross.headers["access-control-expose-headers"].split(",")}
    assert {"location", "www-authenticate", "content-disposition", "retry-after",
            "idempotent-replayed", "x-request-id"} <= exposed  # fmt: skip
    assert answer.status_code == 201


def test_a_json_log_line_has_the_request_id_and_no_secret(
    live_service: Callable[..., AbstractContextManager[Server]], tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    secret_address = "very-private-person@example.com"
    with live_service(
        output=log, USERIMPORT_LOG_FORMAT="json", USERIMPORT_LOG_LEVEL="INFO"
    ) as server:
        answer = httpx.get(
            f"{server.url}/users",
            params={"email": secret_address},
            headers={**ADMIN_AUTH, "X-Request-ID": "find-me-42"},
        )
        with socket.create_connection(("127.0.0.1", server.port)) as raw:
            raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")  # uvicorn: "Invalid HTTP request received."
            raw.recv(4096)
    # Every line is JSON: uvicorn's own (start-up, invalid requests) too.
    lines = [json.loads(line) for line in log.read_text().splitlines()]

    assert answer.status_code == 200
    access = [line for line in lines if line.get("request_id") == "find-me-42"]
    assert access, lines
    assert access[-1]["route"] == "/users" and access[-1]["status"] == 200
    text = log.read_text()
    assert secret_address not in text
    assert ADMIN_AUTH["Authorization"].split()[1] not in text
