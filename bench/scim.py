"""`make bench-scim`: SCIM requests per second through `userimport serve`, 8 clients at once,
each operation as a ratio to the same server's `GET /healthz` rate measured in the same run
(targets: lookup by filter and get >= 0.5 x, create without a password and PATCH >= 0.25 x),
with 20,000 users provisioned (the creates themselves), on SQLite and, when TEST_DATABASE_URL
is set, PostgreSQL.

.venv/bin/python -m bench.scim [--users 20000] [--seconds 10] [--clients 8]
"""

import argparse
import asyncio
import itertools
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx

from app.auth.keys import Role
from bench.run import SERVER_SETTINGS, Row, print_table
from bench.server import Server, postgres_schema, running_server, stored_key

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
Call = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def rate(server: Server, key: str, call: Call, *, clients: int, seconds: float = 0,
               count: int = 0) -> float:  # fmt: skip
    """Requests answered per second by `clients` clients each sending one request at a time,
    for `seconds` (or until `count` requests in all); every answer must be a success."""
    numbers = itertools.count()
    done = 0
    deadline = time.perf_counter() + seconds if seconds else float("inf")

    async def client() -> None:
        nonlocal done
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/scim+json"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as http:
            while time.perf_counter() < deadline:
                n = next(numbers)
                if count and n >= count:
                    return
                answer = await call(http, n)
                if answer.status_code >= 300:
                    raise RuntimeError(f"{answer.request.method} answered {answer.status_code}")
                done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - started)


async def measure(server: Server, key: str, users: int, seconds: float, clients: int) -> list[Row]:
    ids: list[str] = []

    async def healthz(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.get("/healthz")

    async def create(http: httpx.AsyncClient, n: int) -> httpx.Response:
        body = {"schemas": [USER_SCHEMA], "userName": f"scim{n}@bench.example.com",
                "externalId": f"ext-{n}", "name": {"givenName": "Bench", "familyName": str(n)},
                "emails": [{"value": f"scim{n}@bench.example.com", "type": "work",
                            "primary": True}], "active": True}  # fmt: skip
        answer = await http.post("/scim/v2/Users", json=body)
        if answer.status_code == 201:
            ids.append(answer.json()["id"])
        return answer

    async def lookup(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        name = f"scim{random.randrange(users)}@bench.example.com"
        answer = await http.get("/scim/v2/Users", params={"filter": f'userName eq "{name}"'})
        if answer.json().get("totalResults") != 1:
            raise RuntimeError("a lookup did not find its user")
        return answer

    async def get(http: httpx.AsyncClient, _n: int) -> httpx.Response:
        return await http.get(f"/scim/v2/Users/{random.choice(ids)}")

    async def patch(http: httpx.AsyncClient, n: int) -> httpx.Response:
        operation = {"op": "Replace", "path": "active", "value": "False" if n % 2 else "True"}
        body = {"schemas": [PATCH_SCHEMA], "Operations": [operation]}
        return await http.patch(f"/scim/v2/Users/{random.choice(ids)}", json=body)

    base = await rate(server, key, healthz, clients=clients, seconds=seconds)
    created = await rate(server, key, create, clients=clients, count=users)
    measured = {
        "create (no password)": created,
        "lookup (userName eq)": await rate(server, key, lookup, clients=clients, seconds=seconds),
        "get by id": await rate(server, key, get, clients=clients, seconds=seconds),
        "PATCH (active)": await rate(server, key, patch, clients=clients, seconds=seconds),
    }
    base = (base + await rate(server, key, healthz, clients=clients, seconds=seconds)) / 2
    targets = {"create (no password)": 0.25, "lookup (userName eq)": 0.5, "get by id": 0.5,
               "PATCH (active)": 0.25}  # fmt: skip
    return [
        Row(
            name,
            f"{per_second:,.0f}/s",
            f"healthz {base:,.0f}/s",
            per_second / base,
            f">={targets[name]}",
        )
        for name, per_second in measured.items()
    ]


def databases() -> Iterator[tuple[str, str]]:
    """(backend, URL): a SQLite file of its own, and a PostgreSQL schema when configured."""
    with tempfile.TemporaryDirectory() as folder:
        yield "SQLite", f"sqlite:///{Path(folder) / 'bench.db'}"
    pg = os.environ.get("TEST_DATABASE_URL")
    if pg:
        with postgres_schema(pg) as url:
            yield "PostgreSQL", url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print(f"{args.clients} clients; {args.users:,} users created first; cores: {os.cpu_count()}")
    for backend, url in databases():
        with running_server(url, SERVER_SETTINGS) as server:
            key = stored_key(url, "bench", Role.PROVISIONER)
            rows = asyncio.run(measure(server, key, args.users, args.seconds, args.clients))
        for row in rows:
            row.name = f"{backend}: {row.name}"
        print_table(rows)


if __name__ == "__main__":
    main()
