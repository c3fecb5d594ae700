"""An upload's way, as planning.py decides it: refused or imported during the request
(app/imports/service.py), or recorded as a job (app/imports/tasks.py)."""

from dataclasses import dataclass

from app.core.config import Settings
from app.core.db import Database
from app.core.errors import JobsUnavailableError
from app.core.models import UserImport
from app.imports.admission import ImportGate
from app.imports.options import ErrorsFormat, ImportOptions
from app.imports.planning import FileValidator, JobPlan
from app.imports.service import import_file, new_import
from app.imports.tasks import JobRuntime, submit
from app.imports.validation import Validation
from app.passwords.hashing import PasswordHasherPool


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
    services: ImportServices,
    data: bytes,
    filename: str | None,
    options: ImportOptions,
    *,
    created_by: str,
) -> Outcome:
    """The upload's way, decided once from one reading (plan_file): refused or imported during
    the request (app/imports/service.py), or recorded as a job (app/imports/tasks.py)."""
    record = new_import(options, filename, created_by=created_by)
    async with services.gate.admit():
        keep_cells = options.errors_format == ErrorsFormat.CSV
        plan = await services.validator.plan(data, options.dry_run, keep_cells)
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
