"""An upload's options as the request gives them: a query parameter or a multipart field each
(both must agree); the query's alone, known before the body (a job's parts are checked under
them as they arrive)."""

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from app.core.errors import InvalidRequestError
from app.core.schemas import InvalidParam
from app.core.spreadsheet import wants_csv
from app.imports.options import ErrorsFormat, ImportOptions, OnExisting

E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], name: str, query: E | None, form: str | None) -> E | None:
    """The value given as a query parameter or a form field; both must agree."""
    if form is None:
        return query
    try:
        value = kind(form.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        reason = f"Use one of: {allowed}."
        raise InvalidRequestError([InvalidParam(name=f"form.{name}", reason=reason)]) from None
    if query is not None and query != value:
        reason = "Given as a query parameter and a form field with different values."
        raise InvalidRequestError([InvalidParam(name=f"form.{name}", reason=reason)])
    return value


# How a query parameter says false (pydantic's lax booleans); anything else may be a dry run.
FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


def query_options(query: Mapping[str, str]) -> ImportOptions | None:
    """An upload's options as its query gives them, known before its body: None when it may
    be a dry run. A form field may still set on_existing (resolve_options has the last word)."""
    if query.get("dry_run", "false").strip().lower() not in FALSE:
        return None
    try:
        existing = OnExisting(query.get("on_existing", OnExisting.ERROR.value).strip().lower())
    except ValueError:
        existing = OnExisting.ERROR  # refused by the route
    return ImportOptions(on_existing=existing)


def resolve_options(
    dry_run: bool,
    on_existing: OnExisting | None,
    errors_format: ErrorsFormat | None,
    fields: Mapping[str, str],
    accept: str,
) -> ImportOptions:
    existing = _choice(OnExisting, "on_existing", on_existing, fields.get("on_existing"))
    errors = _choice(ErrorsFormat, "errors_format", errors_format, fields.get("errors_format"))
    if errors is None:
        errors = ErrorsFormat.CSV if wants_csv(accept) else ErrorsFormat.JSON
    return ImportOptions(dry_run, existing or OnExisting.ERROR, errors)
