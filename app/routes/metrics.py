"""GET /metrics: the Prometheus text format, for a reader key or USERIMPORT_METRICS_TOKEN."""

import hmac
from typing import Annotated

from fastapi import APIRouter, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.orm import Session

from app.auth.deps import authenticate, bearer, require_reader
from app.core.metrics import JOBS, LIVE_WORKERS, POOL_IN_USE, QUEUE_DEPTH, REGISTRY
from app.http.deps import DatabaseDep, SettingsDep
from app.http.problems import problem_responses
from app.imports.records.repository import ImportRepository
from app.imports.records.status import UNFINISHED
from app.queue.repository import QueueRepository
from app.queue.tasks import QUEUE_NAME

router = APIRouter(tags=["health"])


def _read_state(session: Session, queue: bool, stalled_seconds: float) -> None:
    counts = ImportRepository(session).unfinished_by_status()
    for status in UNFINISHED:
        JOBS.labels(status.value).set(counts.get(status.value, 0))
    if queue:
        QUEUE_DEPTH.set(QueueRepository(session).waiting_tasks(QUEUE_NAME))
        LIVE_WORKERS.set(QueueRepository(session).live_workers(stalled_seconds))


@router.get(
    "/metrics",
    summary="Metrics for Prometheus",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **problem_responses(401, 503),
    },
)
async def metrics(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Response:
    """Requests by route and status with latencies, imports by outcome, rows checked, users
    added, hashing time, jobs by status, the queue's depth and live workers (PostgreSQL), the
    database pool in use. For a reader key, or `Bearer <USERIMPORT_METRICS_TOKEN>`."""
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    given = credentials.credentials if credentials is not None else ""
    if not (token and hmac.compare_digest(given.encode(), token.encode())):
        await require_reader(await authenticate(db, settings, credentials))
    queue = settings.uses_postgresql
    await db.probe(lambda session: _read_state(session, queue, settings.worker_stalled_seconds))
    POOL_IN_USE.set(db.engine.pool.checkedout())  # type: ignore[attr-defined]
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
