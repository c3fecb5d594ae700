"""The application factory; `uvicorn app.main:app` serves the default configuration."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import health
from app.body_limit import BodySizeLimit
from app.config import Settings, get_settings
from app.db import create_db_engine, create_session_factory
from app.errors import install_error_handlers
from app.imports import router as imports
from app.imports.jobs import JobRunner
from app.openapi import install_openapi, operation_id
from app.security.headers import SecurityHeaders
from app.security.passwords import PasswordHasherPool
from app.users import router as users

DESCRIPTION = (
    "Add email users in bulk from a CSV file. Download the template, fill in one user per row, "
    "upload it: every row is checked, then either every user is added in one transaction or "
    "none is, and every problem is listed with its spreadsheet row, column and a stable code."
)


def configure_logging(level: str) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("userimport").setLevel(level.upper())


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = create_db_engine(settings.database_url)
    hasher = PasswordHasherPool.from_settings(settings)

    session_factory = create_session_factory(engine)
    jobs = JobRunner(session_factory, hasher, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs.recover()
        yield
        jobs.shutdown()
        hasher.shutdown()
        engine.dispose()

    app = FastAPI(
        title="User Import Service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.hasher = hasher
    app.state.jobs = jobs
    install_error_handlers(app)
    # The last added runs first: security headers wrap every answer, the 413 included.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Location"],
        )
    app.add_middleware(SecurityHeaders)
    app.include_router(imports.router)
    app.include_router(users.router)
    app.include_router(health.router)
    install_openapi(app)
    return app


app = create_app()
