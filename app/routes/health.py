"""Liveness and readiness probes; readiness also tells who runs import jobs."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.errors import DatabaseUnavailableError, SchemaOutdatedError
from app.core.schemas import Schema
from app.db.schema import SCHEMA_REVISION, applied_revision
from app.http.deps import DatabaseDep, SettingsDep
from app.http.problems import problem_responses
from app.queue.repository import QueueRepository
from app.queue.tasks import QUEUE_NAME

router = APIRouter(tags=["health"])


class HealthStatus(Schema):
    status: Literal["ok", "ready"] = Field(
        description="ok: the process is up; ready: and the database answers."
    )


class JobsStatus(Schema):
    runner: Literal["workers", "embedded", "off"] = Field(
        description="workers: `userimport worker` processes run jobs (PostgreSQL); embedded: "
        "this server runs them itself; off: no staging key, job-sized files are refused (503)."
    )
    live_workers: int | None = Field(
        description="Worker processes that reported within USERIMPORT_WORKER_STALLED_SECONDS "
        "(workers only). 0 means jobs wait: start `userimport worker`."
    )
    waiting_tasks: int | None = Field(
        description="Tasks of jobs waiting for a worker (workers only)."
    )


class Readiness(HealthStatus):
    jobs: JobsStatus = Field(description="Who runs large imports, and how busy they are.")


@router.get("/healthz", response_model=HealthStatus, summary="Is the process up?")
async def healthz() -> HealthStatus:
    """Answers 200 as long as the process serves requests."""
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Does the database answer, and who runs jobs?",
    responses=problem_responses(503),
)
async def readyz(request: Request, db: DatabaseDep, settings: SettingsDep) -> Readiness:
    """200 when the database answers a query and was migrated to this version's schema, 503
    problem otherwise (`schema_outdated`: run `userimport migrate`). It has a connection of
    its own, so it answers at once however busy the service is. `jobs` says who runs large
    imports: with PostgreSQL, `userimport worker` processes (how many are alive, how many
    tasks wait for them); with SQLite, this server itself."""
    try:
        await db.ping()
        revision = await db.probe(applied_revision)
        if revision != SCHEMA_REVISION:
            raise SchemaOutdatedError(
                f"The database's schema is at revision {revision or '(none)'}; this version "
                f"needs {SCHEMA_REVISION}: run `userimport migrate`."
            )
        runner = request.app.state.job_runner
        if request.app.state.imports.jobs is None:
            jobs = JobsStatus(runner="off", live_workers=None, waiting_tasks=None)
        elif not settings.uses_postgresql:
            jobs = JobsStatus(runner="embedded", live_workers=None, waiting_tasks=None)
        else:

            def queue_state(session: Session) -> JobsStatus:
                queue = QueueRepository(session)
                return JobsStatus(
                    runner="embedded" if runner is not None else "workers",
                    live_workers=queue.live_workers(settings.worker_stalled_seconds),
                    waiting_tasks=queue.waiting_tasks(QUEUE_NAME),
                )

            jobs = await db.probe(queue_state)
    except SQLAlchemyError:
        raise DatabaseUnavailableError("The database does not answer.") from None
    return Readiness(status="ready", jobs=jobs)
