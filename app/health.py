"""Liveness and readiness probes."""

from typing import Literal

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy.exc import SQLAlchemyError

from app.dependencies import DatabaseDep
from app.errors import DatabaseUnavailableError, problem_responses
from app.schemas import Schema

router = APIRouter(tags=["health"])


class HealthStatus(Schema):
    status: Literal["ok", "ready"] = Field(
        description="ok: the process is up; ready: and the database answers."
    )


@router.get("/healthz", response_model=HealthStatus, summary="Is the process up?")
async def healthz() -> HealthStatus:
    """Answers 200 as long as the process serves requests."""
    return HealthStatus(status="ok")


@router.get(
    "/readyz",
    response_model=HealthStatus,
    summary="Does the database answer?",
    responses=problem_responses(503),
)
async def readyz(db: DatabaseDep) -> HealthStatus:
    """200 when the database answers a query, 503 problem otherwise. It has a connection of
    its own, so it answers at once however busy the service is."""
    try:
        await db.ping()
    except SQLAlchemyError:
        raise DatabaseUnavailableError("The database does not answer.") from None
    return HealthStatus(status="ready")
