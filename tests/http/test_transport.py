"""Browser callers (CORS), response headers, and the allowed address domains."""

import httpx
import pytest

from tests.conftest import AppFactory, make_client
from tests.helpers import codes, csv_bytes, upload

pytestmark = pytest.mark.anyio
ORIGIN = "https://admin.example.com"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization",
}


async def test_no_cors_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/users", headers={"Origin": ORIGIN})

    assert "access-control-allow-origin" not in response.headers


async def test_configured_origins_may_call_and_others_may_not(app_factory: AppFactory) -> None:
    async with make_client(app_factory(cors_origins=[ORIGIN])) as client:
        allowed = await client.options("/imports", headers=PREFLIGHT)
        listed = await client.get("/users", headers={"Origin": ORIGIN})
        other = await client.get("/users", headers={"Origin": "https://evil.example.net"})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert listed.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-origin" not in other.headers


def test_cors_origins_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.config import Settings

    monkeypatch.setenv("USERIMPORT_CORS_ORIGINS", "https://a.example.com, https://b.example.com")
    monkeypatch.setenv("USERIMPORT_ALLOWED_DOMAINS", "example.com,*.corp.example.com")

    settings = Settings()

    assert settings.cors_origins == ["https://a.example.com", "https://b.example.com"]
    assert settings.allowed_domains == ["example.com", "*.corp.example.com"]


@pytest.mark.parametrize("path", ["/healthz", "/template", "/users", "/imports", "/imports/999"])
async def test_nosniff_everywhere_and_no_store_where_users_are_listed(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)

    assert response.headers["x-content-type-options"] == "nosniff"
    if path.startswith(("/users", "/imports")):
        assert response.headers["cache-control"] == "no-store"


async def test_refusals_carry_nosniff_too(app_factory: AppFactory) -> None:
    app = app_factory(max_upload_bytes=2048, max_job_upload_bytes=2048)
    async with make_client(app, headers={}) as client:
        unauthorized = await client.get("/users")
        too_large = await client.post(
            "/imports", content=b"x" * 4096, headers={"content-type": "text/csv"}
        )

    assert unauthorized.headers["x-content-type-options"] == "nosniff"
    assert too_large.status_code == 413
    assert too_large.headers["x-content-type-options"] == "nosniff"


async def test_allowed_domains(app_factory: AppFactory) -> None:
    rows = [
        ["a@example.com", "A", "Long-Enough-1", "TRUE"],
        ["b@mail.corp.example.com", "B", "Long-Enough-2", "TRUE"],
        ["c@corp.example.com", "C", "Long-Enough-3", "TRUE"],
        ["d@other.org", "D", "Long-Enough-4", "TRUE"],
        ["e@sub.example.com", "E", "Long-Enough-5", "TRUE"],
    ]
    async with make_client(
        app_factory(allowed_domains=["example.com", "*.corp.example.com"])
    ) as client:
        response = await upload(client, csv_bytes(rows))

    assert codes(response) == [
        (4, "Email", "domain_not_allowed"),
        (5, "Email", "domain_not_allowed"),
        (6, "Email", "domain_not_allowed"),
    ]
