"""An upload's way, as planning.py decides it: refused or imported during the request
(app/imports/plan/), or recorded as a job (app/imports/jobs/)."""

import hashlib
from dataclasses import dataclass, field

import anyio.to_thread

from app.core.config import Settings
from app.db.engine import Database
from app.db.models.imports import UserImport
from app.imports.jobs.part_checks import check_now
from app.imports.jobs.receive import Received, check_received, queue_received
from app.imports.jobs.runtime import JobRuntime, submit
from app.imports.options import ErrorsFormat, ImportOptions, OnExisting
from app.imports.plan.admission import ImportGate
from app.imports.plan.file_check import FileValidator, JobPlan
from app.imports.plan.sync_import import import_file, new_import
from app.imports.problems import JobsUnavailableError
from app.imports.reading.validation import Validation
from app.imports.records.repository import ImportRepository
from app.passwords.hashing import PasswordHasherPool


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str | None  # metadata only: never used as a path
    data: bytes  # the file, when it was small enough to hold (else b"")
    fields: dict[str, str] = field(default_factory=dict)  # the form's other fields
    received: Received | None = None  # a file too large to hold: staged in parts instead

    @property
    def digest(self) -> str:
        """The file's SHA-256 (hex)."""
        if self.received is not None:
            return self.received.digest
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class ImportServices:
    """What an import needs of the process."""

    db: Database
    hasher: PasswordHasherPool
    settings: Settings
    jobs: JobRuntime | None  # None without a staging key: no jobs
    gate: ImportGate
    validator: FileValidator


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of an upload: its record, and (a sync file) the reading it was judged by."""

    record: UserImport
    validation: Validation | None


async def import_upload(
    services: ImportServices, upload: Upload, options: ImportOptions, *, created_by: str
) -> Outcome:
    """The upload's way, decided once from one reading (plan_file): refused or imported during
    the request (app/imports/plan/), or recorded as a job (app/imports/jobs/). A file
    received in parts is a job, or (a dry run) checked in parts during the request."""
    if upload.received is not None:
        return await _import_received(services, upload.received, options)
    data = upload.data
    record = new_import(options, upload.filename, created_by=created_by)
    async with services.gate.admit():
        keep_cells = options.errors_format == ErrorsFormat.CSV
        keep = options.on_existing == OnExisting.UPDATE
        plan = await services.validator.plan(data, options.dry_run, keep_cells, keep)
        if isinstance(plan, JobPlan):
            jobs = services.jobs
            if jobs is None:
                raise JobsUnavailableError(
                    "Files this large are imported as jobs, which need a staging key "
                    "(USERIMPORT_STAGING_KEY); import at most "
                    f"{services.settings.sync_max_rows} rows at a time meanwhile."
                )
            await services.db.run(lambda session: submit(jobs, session, record, data, plan.rows))
            return Outcome(record, None)
        settings, hasher = services.settings, services.hasher
        return Outcome(await import_file(services.db, hasher, record, plan, settings), plan)


async def _import_received(
    services: ImportServices, received: Received, options: ImportOptions
) -> Outcome:
    jobs = services.jobs
    assert jobs is not None  # a file is received in parts only when jobs are on
    db = services.db
    if not options.dry_run:
        return Outcome(await db.run(lambda s: queue_received(jobs, s, received, options)), None)
    async with services.gate.admit():
        await db.run(lambda session: check_received(jobs, session, received, options))
        workers = services.settings.max_concurrent_imports
        await anyio.to_thread.run_sync(check_now, jobs, received.import_id, workers)
    record = await db.run(lambda session: ImportRepository(session).get(received.import_id))
    assert record is not None
    return Outcome(record, None)
