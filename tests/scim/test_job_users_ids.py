"""Users a job adds get their SCIM ids from its commit (the import's id and the row's, then
random bits), users added any other way from the column's random default: every id is 32
lower-case hex digits, no two alike, and each finds its user through /scim/v2."""

import re

import pytest

from app.auth.keys import Role
from tests.auth.test_auth import create_key
from tests.conftest import AppFactory, make_client
from tests.helpers import csv_bytes, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started
from tests.imports.records.test_revert import imported

pytestmark = pytest.mark.anyio


async def test_every_user_has_its_own_scim_id_and_is_found_by_it(app_factory: AppFactory) -> None:
    app = app_factory(**JOB_SETTINGS)
    key = create_key(app, "entra", Role.PROVISIONER)
    rows = user_rows(60)
    async with started(app) as http, make_client(app, {"Authorization": f"Bearer {key}"}) as idp:
        first = await imported(http, csv_bytes(rows[:25]))  # jobs, of 25 and 30 rows
        second = await imported(http, csv_bytes(rows[25:55]))
        small = await imported(http, csv_bytes(rows[55:]))  # a synchronous import
        created = await idp.post(
            "/scim/v2/Users",
            json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                  "userName": "from.entra@example.com"},
        )  # fmt: skip
        listed = (await idp.get("/scim/v2/Users", params={"count": 200})).json()["Resources"]
        found = {user["id"]: await idp.get(f"/scim/v2/Users/{user['id']}") for user in listed}

    assert (first["status"], second["status"], small["status"]) == ("completed",) * 3
    assert created.status_code == 201
    ids = [user["id"] for user in listed]
    assert len(ids) == 61 and len(set(ids)) == 61
    assert all(re.fullmatch("[0-9a-f]{32}", scim_id) for scim_id in ids)
    assert {user["userName"] for user in listed} == {row[0] for row in rows} | {
        "from.entra@example.com"
    }
    for user in listed:
        assert found[user["id"]].json()["userName"] == user["userName"]
