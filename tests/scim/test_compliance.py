"""The service as an RFC 7643/7644 checker sees it: python-scim's scim2-tester, through
scim2-cli's `scim2 test`, against `userimport serve` in a process of its own (SQLite and
PostgreSQL), then a probe of the lifecycle's headers, ETags and errors over the wire."""

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx

from app.auth.keys import Role
from bench.server import ROOT, Server, stored_key
from tests.scim.conftest import USER_SCHEMA, patch

LiveService = Callable[..., AbstractContextManager[Server]]
SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def test_scim2_tester_reports_no_error(live_service: LiveService, database_url: str) -> None:
    key = stored_key(database_url, "checker", Role.PROVISIONER)
    with live_service() as server:
        env = {**os.environ, "SCIM_CLI_HEADERS": f"Authorization: Bearer {key}"}
        command = [sys.executable, "-m", "tests.scim.scim2_test_cli",
                   "--url", f"{server.url}/scim/v2", "test", "--verbose"]  # fmt: skip
        run = subprocess.run(  # noqa: S603 (our interpreter, our module)
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
    verdicts = [line.split()[0] for line in run.stdout.splitlines() if line[:1].isupper()]
    failed = [line for line in run.stdout.splitlines() if line.startswith(("ERROR", "CRIT"))]
    assert run.returncode == 0 and not failed, run.stdout[-4000:] + run.stderr[-2000:]
    assert verdicts.count("SUCCESS") >= 40, run.stdout[-4000:]  # it did check


def test_lifecycle_headers_etags_and_errors(live_service: LiveService, database_url: str) -> None:
    key = stored_key(database_url, "checker", Role.PROVISIONER)
    with (
        live_service() as server,
        httpx.Client(
            base_url=f"{server.url}/scim/v2", headers={"Authorization": f"Bearer {key}"}
        ) as scim,
    ):
        body = {"schemas": [USER_SCHEMA], "userName": "probe@example.com", "active": True}
        created = scim.post("/Users", json=body, headers={"Content-Type": SCIM_JSON})
        assert created.status_code == 201, created.text
        assert created.headers["content-type"].startswith(SCIM_JSON)
        user = created.json()
        assert created.headers["location"] == user["meta"]["location"]
        assert created.headers["etag"] == user["meta"]["version"]
        path = f"/Users/{user['id']}"

        read = scim.get(path)
        assert read.headers["etag"] == user["meta"]["version"]
        disable = patch({"op": "replace", "path": "active", "value": False})
        changed = scim.patch(path, json=disable, headers={"If-Match": read.headers["etag"]})
        assert changed.status_code == 200 and changed.json()["active"] is False
        assert changed.headers["etag"] != read.headers["etag"]

        stale = scim.patch(path, json=disable, headers={"If-Match": read.headers["etag"]})
        assert stale.status_code == 412
        for answer in (stale, scim.get("/Users/nobody"), scim.put("/ServiceProviderConfig")):
            assert answer.headers["content-type"].startswith(SCIM_JSON)
            assert answer.json()["schemas"] == [ERROR_SCHEMA]
            assert answer.json()["status"] == str(answer.status_code)
        assert scim.get("/Users", params={"filter": "title eq 1"}).json()["scimType"] == (
            "invalidFilter"
        )
        unauthorised = httpx.get(f"{server.url}/scim/v2/Users")
        assert unauthorised.status_code == 401 and "www-authenticate" in unauthorised.headers

        assert scim.delete(path, headers={"If-Match": changed.headers["etag"]}).status_code == 204
        assert scim.get(path).status_code == 404
