"""Reads the uploaded file out of a multipart body, with explicit parser limits."""

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from app.core.errors import (
    ClientDisconnectedError,
    InvalidMultipartError,
    InvalidRequestError,
    MissingFileError,
    UnsupportedMediaTypeError,
)
from app.core.schemas import InvalidParam

FILE_FIELD = "file"
OPTION_FIELDS = {"on_existing", "errors_format"}
FORM_FIELDS = {FILE_FIELD, *OPTION_FIELDS}
IMPORT_QUERY = {"dry_run", *OPTION_FIELDS}
UNKNOWN = "This operation does not take this parameter; check its spelling."
MAX_FILENAME_LENGTH = 255
MAX_FILE_PARTS = 1
MAX_FORM_FIELDS = 8
MAX_FIELD_BYTES = 64 * 1024

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


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str | None  # metadata only: never used as a path
    data: bytes
    fields: dict[str, str] = field(default_factory=dict)  # the form's other fields


class _InMemoryParser(MultiPartParser):
    """Starlette's parser with the file part kept in memory: the body limit already bounds
    it, and a file of passwords must never be spooled to a temporary file on disk."""

    def __init__(self, request: Request, stream: AsyncGenerator[bytes, None]) -> None:
        super().__init__(
            request.headers,
            stream,
            max_files=MAX_FILE_PARTS,
            max_fields=MAX_FORM_FIELDS,
            max_part_size=MAX_FIELD_BYTES,
        )
        # Larger than any body the size limit lets through: never rolled over to disk.
        self.spool_max_size = request.app.state.settings.max_upload_bytes + 1


async def _parse_form(request: Request) -> FormData:
    try:
        async with aclosing(request.stream()) as stream:
            return await _InMemoryParser(request, stream).parse()
    except ClientDisconnect:
        raise ClientDisconnectedError("The client went away before the upload ended.") from None
    except (MultiPartException, HTTPException) as exc:
        reason = exc.message if isinstance(exc, MultiPartException) else exc.detail
        raise InvalidMultipartError(f"The multipart body could not be read: {reason}") from None


async def read_upload(request: Request) -> Upload:
    """The whole upload, read before any database connection is taken for it."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "multipart/form-data":
        raise UnsupportedMediaTypeError(
            f'Send the CSV file as multipart/form-data, in a part named "{FILE_FIELD}".'
        )
    form = await _parse_form(request)
    try:
        part = form.get(FILE_FIELD)
        if not isinstance(part, UploadFile):
            raise MissingFileError(f'The body has no file part named "{FILE_FIELD}".')
        unknown = sorted(set(form.keys()) - FORM_FIELDS)
        if unknown:
            raise InvalidRequestError(
                [InvalidParam(name=f"form.{name}", reason=UNKNOWN) for name in unknown]
            )
        filename = part.filename[:MAX_FILENAME_LENGTH] if part.filename else None
        if filename is not None and "\x00" in filename:
            reason = "A file name cannot hold a NUL character."
            raise InvalidRequestError([InvalidParam(name="form.file.filename", reason=reason)])
        data = await part.read()
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
    finally:
        await form.close()
    return Upload(filename=filename, data=data, fields=fields)


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
