"""The multipart body read as it arrives, with explicit parser limits: the file part's bytes are
handed to a sink as they come (never spooled to a temporary file), the other fields kept."""

import codecs
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING, Protocol

import python_multipart
from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from app.core.errors import (
    ClientDisconnectedError,
)
from app.imports.problems import InvalidMultipartError

if TYPE_CHECKING:  # a type the library declares only for type checkers
    from python_multipart.multipart import MultipartCallbacks

FILE_FIELD = "file"


MAX_FILENAME_LENGTH = 255
MAX_FILE_PARTS = 1
MAX_FORM_FIELDS = 8
MAX_FIELD_BYTES = 64 * 1024


class FileSink(Protocol):
    """Where the file part's bytes go as they arrive."""

    async def write(self, data: bytes, filename: str | None) -> None: ...


class _StreamingParser(MultiPartParser):
    """Starlette's parser, the file part's bytes handed to a sink as they arrive instead of
    spooled: a file of passwords is never written to a temporary file on disk."""

    def __init__(
        self, request: Request, stream: AsyncGenerator[bytes, None], sink: FileSink
    ) -> None:
        super().__init__(
            request.headers,
            stream,
            max_files=MAX_FILE_PARTS,
            max_fields=MAX_FORM_FIELDS,
            max_part_size=MAX_FIELD_BYTES,
        )
        self.sink = sink
        self.filename: str | None = None
        self._arrived: list[bytes] = []

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is None:
            super().on_part_data(data, start, end)
        else:
            self.filename = self._current_part.file.filename
            self._arrived.append(data[start:end])

    async def parse(self) -> FormData:
        _, params = parse_options_header(self.headers["Content-Type"])
        boundary = params.get(b"boundary")
        if not boundary:
            raise MultiPartException("Missing boundary in multipart.")
        charset = params.get(b"charset", b"utf-8").decode("latin-1")
        try:
            self._charset = codecs.lookup(charset).name
        except LookupError:
            self._charset = "latin-1"
        callbacks: MultipartCallbacks = {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_end": self.on_end,
        }
        parser = python_multipart.MultipartParser(boundary, callbacks)
        try:
            async for chunk in self.stream:
                parser.write(chunk)
                for data in self._arrived:
                    await self.sink.write(data, self.filename)
                self._arrived.clear()
            parser.finalize()
        except FormParserError as exc:
            raise MultiPartException("Invalid multipart data.") from exc
        return FormData(self.items)


def filename_of(name: str | None) -> str | None:
    return name[:MAX_FILENAME_LENGTH] if name else None


async def parse_form(request: Request, sink: FileSink) -> FormData:
    try:
        async with aclosing(request.stream()) as stream:
            return await _StreamingParser(request, stream, sink).parse()
    except ClientDisconnect:
        raise ClientDisconnectedError("The client went away before the upload ended.") from None
    except (MultiPartException, HTTPException) as exc:
        reason = exc.message if isinstance(exc, MultiPartException) else exc.detail
        raise InvalidMultipartError(f"The multipart body could not be read: {reason}") from None
