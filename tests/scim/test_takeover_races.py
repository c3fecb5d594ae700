"""A provider taking a user over while a file's update is between its plan and its write: the
file, checked again as it writes, refuses that row (managed_by_provisioning) and changes
nobody; the provider's change holds. The sync path (held while it hashes) and a job (held
before its commit)."""

import asyncio

import httpx
import pytest

from app.auth.keys import Role
from tests.auth.test_auth import create_key
from tests.conftest import AppFactory, make_client
from tests.helpers import csv_bytes, upload, user_rows
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for
from tests.imports.records.test_overlapping_writers import (
    held_hashing,
    held_job_commit,
    names,
    renamed,
)
from tests.imports.records.test_revert import imported
from tests.scim.conftest import patch

pytestmark = pytest.mark.anyio


async def take_over(provider: httpx.AsyncClient, address: str) -> httpx.Response:
    """What Entra does with a user it finds: look it up by userName, then write it."""
    found = await provider.get("/scim/v2/Users", params={"filter": f'userName eq "{address}"'})
    path = f"/scim/v2/Users/{found.json()['Resources'][0]['id']}"
    return await provider.patch(path, json=patch({"op": "Replace", "path": "displayName",
                                                   "value": "From Entra"}))  # fmt: skip


async def test_a_takeover_while_an_update_hashes_is_refused_to_the_update(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    key = create_key(app, "entra", Role.PROVISIONER)
    async with started(app) as http, make_client(app, {"Authorization": f"Bearer {key}"}) as idp:
        await upload(http, csv_bytes(user_rows(3)))
        with held_hashing() as (hashing, release):
            updating = asyncio.create_task(
                upload(http, csv_bytes(renamed(3, "B")), on_existing="update")
            )
            await asyncio.to_thread(hashing.wait, 20)
            taken = await take_over(idp, user_rows(3)[1][0])
            release.set()
            update = await updating

    assert taken.status_code == 200, taken.text
    assert update.status_code == 422, update.text
    assert [(e["row"], e["code"]) for e in update.json()["errors"]] == [
        (3, "managed_by_provisioning")
    ]
    expected = {row[0]: row[1] for row in user_rows(3)}
    expected[user_rows(3)[1][0]] = "From Entra"
    assert names(app) == expected  # the provider's change, and no rename from the file


async def test_a_takeover_while_an_update_job_waits_to_commit_fails_the_job(
    app_factory: AppFactory,
) -> None:
    app = app_factory(**JOB_SETTINGS)
    key = create_key(app, "entra", Role.PROVISIONER)

    async with started(app) as http, make_client(app, {"Authorization": f"Bearer {key}"}) as idp:
        await imported(http, csv_bytes(user_rows(30)))  # a job too: waited for
        with held_job_commit() as (committing, release):
            answer = await upload(http, csv_bytes(renamed(30, "B")), on_existing="update")
            assert answer.status_code == 202
            await asyncio.to_thread(committing.wait, 20)
            taken = await take_over(idp, user_rows(30)[4][0])
            release.set()
            update = await wait_for(http, answer.headers["location"], "completed", "failed")

    assert taken.status_code == 200, taken.text
    assert (update["status"], update["added"], update["updated"]) == ("failed", 0, 0)
    assert [(e["row"], e["code"]) for e in update["errors"]] == [(6, "managed_by_provisioning")]
    expected = {row[0]: row[1] for row in user_rows(30)}
    expected[user_rows(30)[4][0]] = "From Entra"
    assert names(app) == expected
