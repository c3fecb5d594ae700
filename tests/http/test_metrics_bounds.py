"""Nothing a client sends adds a series to /metrics: made-up methods and paths are counted
under bounded label values (a method as "other", a path as its route or "unmatched")."""

import asyncio
import random
import string
from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx
import pytest

from bench.server import Server
from tests.conftest import ADMIN_AUTH
from tests.raw_client import send

pytestmark = pytest.mark.anyio
LiveService = Callable[..., AbstractContextManager[Server]]
REQUESTS = 3000
IN_FLIGHT = 50


def made_up(server: Server, rng: random.Random) -> httpx.Request:
    method = "".join(rng.choices(string.ascii_uppercase, k=40))
    path = "/" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=30))
    return httpx.Request(method, f"{server.url}{path}")


async def test_made_up_methods_and_paths_leave_metrics_their_size(
    live_service: LiveService,
) -> None:
    rng = random.Random(17)
    with live_service() as server:
        scrape = httpx.Request("GET", f"{server.url}/metrics", headers=ADMIN_AUTH)
        await send(server.port, httpx.Request("GET", f"{server.url}/nowhere"))  # one of each
        await send(server.port, httpx.Request("BREW", f"{server.url}/healthz"))
        before = await send(server.port, scrape)
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def one() -> int:
            async with slots:
                return (await send(server.port, made_up(server, rng))).status

        statuses = await asyncio.gather(*(one() for _ in range(REQUESTS)))
        after = await send(server.port, scrape)

    assert all(status < 500 for status in statuses)
    assert (before.status, after.status) == (200, 200)
    assert len(after.body) - len(before.body) < 64 * 1024, (len(before.body), len(after.body))
    assert b'method="other"' in after.body
