"""A provisioner's client on the app (its lifespan running), beside the admin's."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from app.auth.keys import Role
from tests.auth.test_auth import create_key
from tests.conftest import AppFactory, make_client

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GUID = "0b9d1e64-3f51-4b8e-9c3f-1a2b3c4d5e6f"


@dataclass
class Scim:
    app: FastAPI
    provider: httpx.AsyncClient  # a provisioner key named "entra"
    admin: httpx.AsyncClient


@pytest.fixture
async def scim(app_factory: AppFactory) -> AsyncIterator[Scim]:
    app = app_factory()
    key = create_key(app, "entra", Role.PROVISIONER)
    async with (
        app.router.lifespan_context(app),
        make_client(app, headers={"Authorization": f"Bearer {key}"}) as provider,
        make_client(app) as admin,
    ):
        yield Scim(app, provider, admin)


def new_user(user_name: str, **more: object) -> dict[str, object]:
    return {"schemas": [USER_SCHEMA], "userName": user_name, **more}


def patch(*operations: dict[str, object]) -> dict[str, object]:
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}


def users(answer: httpx.Response) -> list[dict[str, object]]:
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, object]] = answer.json()["Resources"]
    return listed
