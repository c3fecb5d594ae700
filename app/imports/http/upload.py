"""The uploaded file out of the multipart body: a small file held, a large one staged in parts as
it arrives (app/imports/jobs/receive.py); the form's and the query's options checked."""

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from app.auth.deps import AdminDep
from app.core.errors import (
    InvalidRequestError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
)
from app.core.schemas import InvalidParam
from app.imports.http.deps import ImportServicesDep
from app.imports.http.dispatch import ImportServices, Upload
from app.imports.http.multipart import FILE_FIELD, filename_of, parse_form
from app.imports.http.options import query_options
from app.imports.jobs.receive import Received, Reception
from app.imports.options import ImportOptions
from app.imports.problems import MissingFileError

OPTION_FIELDS = {"on_existing", "errors_format"}
FORM_FIELDS = {FILE_FIELD, *OPTION_FIELDS}
IMPORT_QUERY = {"dry_run", *OPTION_FIELDS}
UNKNOWN = "This operation does not take this parameter; check its spelling."


# The request body as OpenAPI shows it (the route parses the body itself, to set limits).
UPLOAD_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The CSV file, laid out as GET /template.",
                        },
                        "on_existing": {
                            "type": "string",
                            "enum": ["error", "skip", "update"],
                            "description": "As the query parameter of the same name.",
                        },
                        "errors_format": {
                            "type": "string",
                            "enum": ["json", "csv"],
                            "description": "As the query parameter of the same name.",
                        },
                    },
                }
            }
        },
    }
}


# A file with more lines than a synchronous import takes is staged in parts once this much of
# it has arrived: a job's file is never held whole (a smaller one is, and staged as one).
SPILL_BYTES = 256 * 1024


class _HeldOrReceived:
    """The file part's bytes: held up to USERIMPORT_MAX_UPLOAD_BYTES, or while they may still
    be a synchronous import's; beyond, (jobs on) staged in parts as they arrive
    (app/imports/jobs/receive.py), so a large file is never held."""

    def __init__(
        self, services: ImportServices, created_by: str, assumed: ImportOptions | None
    ) -> None:
        self.services = services
        self.created_by = created_by
        # The options the query gives (None: it may be a dry run): a job's parts are checked
        # under them as they arrive.
        self.assumed = assumed
        self.held = bytearray()
        self.lines = 0
        self.reception: Reception | None = None

    def _holds(self) -> bool:
        settings = self.services.settings
        if len(self.held) > settings.max_upload_bytes:
            return False
        if self.assumed is None:  # a dry run: one that fits is checked held (no staged keys)
            return True
        # More lines than a synchronous import takes (as FileValidator.in_process), where a
        # job may take it: with USERIMPORT_MAX_ROWS at most the synchronous limit, there are
        # no jobs, and a long file is refused at once (too_many_rows).
        job_sized = self.lines > settings.sync_max_rows + 1
        jobs = self.services.jobs is not None and settings.max_rows > settings.sync_max_rows
        return not (job_sized and jobs and len(self.held) > SPILL_BYTES)

    async def write(self, data: bytes, filename: str | None) -> None:
        if self.reception is not None:
            await self.reception.feed(data)
            return
        self.held += data
        self.lines += data.count(b"\n")
        if self._holds():
            return
        settings, jobs = self.services.settings, self.services.jobs
        if jobs is None:
            mib = settings.max_upload_bytes / (1024 * 1024)
            raise UploadTooLargeError(
                f"The file is larger than {mib:g} MiB; split it and upload it in parts."
            )
        self.reception = await Reception.start(
            self.services.db, jobs, self.assumed, filename_of(filename), self.created_by
        )
        held, self.held = bytes(self.held), bytearray()
        await self.reception.feed(held)


async def read_upload(
    request: Request, principal: AdminDep, services: ImportServicesDep
) -> AsyncIterator[Upload]:
    """The whole upload (a large file staged in parts as it arrives), read before any database
    connection is taken for it. A staged file that the request did not turn into an import
    (refused request, replayed answer, client gone) is dropped when the request ends."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "multipart/form-data":
        raise UnsupportedMediaTypeError(
            f'Send the CSV file as multipart/form-data, in a part named "{FILE_FIELD}".'
        )
    sink = _HeldOrReceived(services, principal.key_name, query_options(request.query_params))
    received: Received | None = None
    try:
        form = await parse_form(request, sink)
        try:
            upload = _read_form(form, sink)
        finally:
            await form.close()
        if sink.reception is not None:
            received = await sink.reception.end()
            upload = replace(upload, received=received)
        yield upload
    finally:
        if sink.reception is not None:
            await sink.reception.forget()


def _read_form(form: FormData, sink: _HeldOrReceived) -> Upload:
    part = form.get(FILE_FIELD)
    if not isinstance(part, UploadFile):
        raise MissingFileError(f'The body has no file part named "{FILE_FIELD}".')
    unknown = sorted(set(form.keys()) - FORM_FIELDS)
    if unknown:
        raise InvalidRequestError(
            [InvalidParam(name=f"form.{name}", reason=UNKNOWN) for name in unknown]
        )
    filename = filename_of(part.filename)
    if filename is not None and "\x00" in filename:
        reason = "A file name cannot hold a NUL character."
        raise InvalidRequestError([InvalidParam(name="form.file.filename", reason=reason)])
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    return Upload(filename=filename, data=bytes(sink.held), fields=fields)


async def check_import_query(request: Request) -> None:
    """POST /imports takes only its own query parameters, each once: a misspelled flag
    (?dryrun=true) must not import for real."""
    query = request.query_params
    params = [
        InvalidParam(name=f"query.{name}", reason=UNKNOWN)
        for name in sorted(set(query.keys()) - IMPORT_QUERY)
    ]
    params += [
        InvalidParam(name=f"query.{name}", reason="Give this parameter once.")
        for name in sorted(IMPORT_QUERY)
        if len(query.getlist(name)) > 1
    ]
    if params:
        raise InvalidRequestError(params)


UploadDep = Annotated[Upload, Depends(read_upload)]
