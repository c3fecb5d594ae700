"""The application factory: `uvicorn --factory app.main:create_app` serves the configuration
the environment gives. Importing this module creates nothing and connects to nothing."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import Settings, get_settings
from app.core.logs import configure_logging
from app.db.engine import Database
from app.directory import router as users
from app.http.body_limit import BodySizeLimit
from app.http.deps import refuse_nul_in_query
from app.http.middleware import HeadAsGet, InFlightLimit, UnhandledErrorAsProblem
from app.http.openapi import install_openapi, operation_id
from app.http.problems import install_error_handlers
from app.http.request_context import RequestContext
from app.http.security_headers import SecurityHeaders
from app.imports.http import import_routes, record_routes
from app.imports.http import revert_route as revert_routes
from app.imports.http.dispatch import ImportServices
from app.imports.http.schemas import user_row_schema
from app.imports.jobs.retention import prune_periodically
from app.imports.jobs.staging.files import check_staging_key
from app.imports.jobs.worker import web_jobs
from app.imports.plan.admission import ImportGate
from app.imports.plan.file_check import FileValidator, shutdown_processes
from app.passwords.hashing import PasswordHasherPool
from app.routes import health
from app.routes import metrics as metrics_routes
from app.routes.web import install_web
from app.scim import discovery_routes as scim_discovery
from app.scim import users_routes as scim_users
from app.scim.errors import SCIM_ERROR_SCHEMA, ScimError, ScimErrors, on_scim_error

# What a browser front end on another origin may read of an answer.
EXPOSED_HEADERS = [
    "Location", "WWW-Authenticate", "Content-Disposition", "Retry-After",
    "Idempotent-Replayed", "X-Request-ID",
]  # fmt: skip
DESCRIPTION = (
    "Add email users in bulk from a CSV file. Download the template, fill in one user per row, "
    "upload it: every row is checked, then either every user is added in one transaction or "
    "none is, and every problem is listed with its spreadsheet row, column and a stable code."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    # Requests use db_pool_size connections; an embedded worker's chunks have their own.
    db = Database(settings.database_url, settings.db_pool_size, settings.job_workers + 2)
    hasher = PasswordHasherPool.from_settings(settings)
    validator = FileValidator(settings)
    jobs, runner = web_jobs(settings, db.sessions, hasher, validator.validate_blocking)
    gate = ImportGate(settings.max_concurrent_imports, settings.import_queue)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if jobs is not None:  # another process's key: refuse to start (StagingKeyError)
            sealer = jobs.sealer
            await db.run(lambda session: check_staging_key(session, sealer))
        if runner is not None:
            await runner.start()
        pruning = asyncio.create_task(prune_periodically(db, settings))
        yield
        pruning.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pruning
        if runner is not None:
            await runner.stop()
        hasher.shutdown()
        shutdown_processes()
        db.dispose()

    app = FastAPI(
        title="User Import Service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from the service's own files (app/routes/web.py)
        redoc_url=None,
        dependencies=[Depends(refuse_nul_in_query)],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.engine = db.engine
    app.state.session_factory = db.sessions
    app.state.hasher = hasher
    app.state.imports = ImportServices(db, hasher, settings, jobs, gate, validator)
    app.state.job_runner = runner
    install_error_handlers(app)
    app.add_exception_handler(ScimError, on_scim_error)
    # The last added runs first: security headers (and CORS) wrap every answer, the 413,
    # the 503 of an overload and the 500 of an unexpected error included.
    app.add_middleware(UnhandledErrorAsProblem)
    job_uploads = settings.max_job_upload_bytes if jobs is not None else None
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_upload_bytes, upload_max_bytes=job_uploads
    )
    app.add_middleware(InFlightLimit, max_requests=settings.max_requests)
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=[origin.rstrip("/") for origin in settings.cors_origins],
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=EXPOSED_HEADERS,
        )
    app.add_middleware(ScimErrors)  # /scim/v2 answers every error in SCIM's shape
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContext)
    app.include_router(import_routes.router)
    app.include_router(record_routes.router)
    app.include_router(revert_routes.router)
    app.include_router(users.router)
    app.include_router(scim_users.router)
    app.include_router(scim_discovery.router)
    app.include_router(health.router)
    app.include_router(metrics_routes.router)
    install_web(app)
    install_openapi(app, {"UserRow": user_row_schema(), "ScimError": SCIM_ERROR_SCHEMA})
    return app
