"""Every stable code the service answers with, and what it means.

`RowCode`s are the codes of a refused file's `errors[].code`; `ProblemCode`s the `code` of a
problem document. The OpenAPI document lists both (descriptions and examples, not an enum, so a
generated client keeps working when a code is added); a test checks that the lists, the members
and the codes the code emits agree.
"""

from enum import StrEnum


class RowCode(StrEnum):
    INVALID_EMAIL = "invalid_email"
    MULTIPLE_ADDRESSES = "multiple_addresses"
    DOMAIN_NOT_ALLOWED = "domain_not_allowed"
    MISSING_VALUE = "missing_value"
    VALUE_TOO_LONG = "value_too_long"
    INVALID_VALUE = "invalid_value"
    INVALID_BOOLEAN = "invalid_boolean"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_CONTAINS_EMAIL = "password_contains_email"
    PASSWORD_TOO_COMMON = "password_too_common"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    ALREADY_EXISTS = "already_exists"
    TOO_MANY_ROWS = "too_many_rows"
    EMPTY_FILE = "empty_file"
    NOT_CSV = "not_csv"
    ENCODING_NOT_UTF8 = "encoding_not_utf8"
    ENCODING_MIXED = "encoding_mixed"
    MALFORMED_CSV = "malformed_csv"
    ROW_TOO_LONG = "row_too_long"
    TOO_MANY_COLUMNS = "too_many_columns"
    MISSING_HEADER = "missing_header"
    DELIMITER_MISMATCH = "delimiter_mismatch"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    MISSING_COLUMN = "missing_column"
    INTERRUPTED = "interrupted"
    CONFLICTING_VALUES = "conflicting_values"
    INVALID_PASSWORD_HASH = "invalid_password_hash"
    DIRECTORY_CHANGED = "directory_changed"
    TOO_MANY_ALIASES = "too_many_aliases"
    MANAGED_BY_PROVISIONING = "managed_by_provisioning"


ROW_CODE_MEANINGS: dict[RowCode, str] = {
    RowCode.INVALID_EMAIL: "not a valid address (syntax, a local part over 64 or a label over "
    "63 characters, no dot in the domain, a control character, tab or line break)",
    RowCode.MULTIPLE_ADDRESSES: "more than one address in the cell",
    RowCode.DOMAIN_NOT_ALLOWED: "the domain is not in USERIMPORT_ALLOWED_DOMAINS",
    RowCode.MISSING_VALUE: "a required cell is empty",
    RowCode.VALUE_TOO_LONG: "longer than the column allows",
    RowCode.INVALID_VALUE: "a name with a control character or line break; a password with a "
    "line break",
    RowCode.INVALID_BOOLEAN: "Force Change Password is not TRUE or FALSE",
    RowCode.PASSWORD_TOO_SHORT: "shorter than USERIMPORT_MIN_PASSWORD_LENGTH",
    RowCode.PASSWORD_CONTAINS_EMAIL: "the password holds the address's name part",
    RowCode.PASSWORD_TOO_COMMON: "one of the 30,000 most common passwords",
    RowCode.DUPLICATE_IN_FILE: "the address is on an earlier row too (any letter case)",
    RowCode.ALREADY_EXISTS: "the directory has the address already (a user's primary address or "
    "alias)",
    RowCode.TOO_MANY_ROWS: "more rows than one import may hold (the only error then)",
    RowCode.EMPTY_FILE: "no header, or no user rows",
    RowCode.NOT_CSV: "a workbook, PDF or other binary file, or text holding NUL characters",
    RowCode.ENCODING_NOT_UTF8: "not UTF-8 and holds a £ that would be read wrongly",
    RowCode.ENCODING_MIXED: "UTF-8 with some bytes that are not (row of the first one)",
    RowCode.MALFORMED_CSV: "broken quoting, or more cells than the header has",
    RowCode.ROW_TOO_LONG: "a row over 64 KiB",
    RowCode.TOO_MANY_COLUMNS: "a row of more than 64 cells",
    RowCode.MISSING_HEADER: "the first row is not the template's header",
    RowCode.DELIMITER_MISMATCH: "the header and the rows use different separators",
    RowCode.UNKNOWN_COLUMN: "a header cell that is no template column",
    RowCode.DUPLICATE_COLUMN: "two header cells name the same column",
    RowCode.MISSING_COLUMN: "a template column is missing from the header",
    RowCode.CONFLICTING_VALUES: "a row gives both a Password and a Password Hash",
    RowCode.INVALID_PASSWORD_HASH: "a Password Hash that is not argon2id/argon2i, bcrypt or "
    "scrypt, or is malformed; Google's MD5 and SHA-1",
    RowCode.DIRECTORY_CHANGED: "the user this row was to update or skip was deleted by another "
    "writer (a revert) while the import ran; nothing was added: upload the file again",
    RowCode.TOO_MANY_ALIASES: "more aliases than USERIMPORT_MAX_ALIASES (30) for one user",
    RowCode.MANAGED_BY_PROVISIONING: "on_existing=update of a user an identity provider "
    "manages (SCIM): change it there (on_existing=skip skips it)",
    RowCode.INTERRUPTED: "a job's tasks kept failing (workers killed, database lost) until "
    "their retries ran out; nothing was added",
}


class ProblemCode(StrEnum):
    IMPORT_REFUSED = "import_refused"
    INVALID_REQUEST = "invalid_request"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HTTP_ERROR = "http_error"
    INVALID_CURSOR = "invalid_cursor"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UPLOAD_TOO_LARGE = "upload_too_large"
    INVALID_MULTIPART = "invalid_multipart"
    MISSING_FILE = "missing_file"
    CLIENT_DISCONNECTED = "client_disconnected"
    TOO_MANY_IMPORTS = "too_many_imports"
    OVERLOADED = "overloaded"
    DATABASE_UNAVAILABLE = "database_unavailable"
    INTERNAL_ERROR = "internal_error"
    HEADERS_TOO_LARGE = "headers_too_large"
    REQUEST_TIMEOUT = "request_timeout"
    INVALID_HTTP = "invalid_http"
    IMPORT_FINISHED = "import_finished"
    JOBS_UNAVAILABLE = "jobs_unavailable"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IMPORT_NOT_REVERTIBLE = "import_not_revertible"
    USERS_CHANGED_SINCE = "users_changed_since"
    SCHEMA_OUTDATED = "schema_outdated"
    INVALID_USER = "invalid_user"
    ADDRESS_TAKEN = "address_taken"
    VERSION_MISMATCH = "version_mismatch"


PROBLEM_CODE_MEANINGS: dict[ProblemCode, str] = {
    ProblemCode.IMPORT_REFUSED: "422: the file was refused; see errors",
    ProblemCode.INVALID_REQUEST: "422: a parameter or form field is unknown, repeated or invalid",
    ProblemCode.UNAUTHORIZED: "401: no valid API key",
    ProblemCode.FORBIDDEN: "403: the key's role may not do this",
    ProblemCode.NOT_FOUND: "404: no such resource",
    ProblemCode.METHOD_NOT_ALLOWED: "405: the path does not take this method",
    ProblemCode.HTTP_ERROR: "another HTTP error",
    ProblemCode.INVALID_CURSOR: "400: the cursor is not one this service returned",
    ProblemCode.UNSUPPORTED_MEDIA_TYPE: "415: the upload is not multipart/form-data",
    ProblemCode.UPLOAD_TOO_LARGE: "413: the body is over USERIMPORT_MAX_UPLOAD_BYTES",
    ProblemCode.INVALID_MULTIPART: "422: the multipart body cannot be read",
    ProblemCode.MISSING_FILE: "422: no part named file",
    ProblemCode.CLIENT_DISCONNECTED: "400: the client went away mid-upload",
    ProblemCode.TOO_MANY_IMPORTS: "429: the import queue is full; see Retry-After",
    ProblemCode.OVERLOADED: "503: too many requests or connections; see Retry-After",
    ProblemCode.DATABASE_UNAVAILABLE: "503: the database does not answer; see Retry-After",
    ProblemCode.INTERNAL_ERROR: "500: an unexpected error, logged",
    ProblemCode.HEADERS_TOO_LARGE: "431: request line and headers over 16 KiB",
    ProblemCode.REQUEST_TIMEOUT: "408: the request head did not arrive in time",
    ProblemCode.INVALID_HTTP: "400: the request is not valid HTTP/1.1",
    ProblemCode.IMPORT_FINISHED: "409: the import has ended already; it cannot be cancelled",
    ProblemCode.JOBS_UNAVAILABLE: "503: a job-sized file, but no staging key is configured",
    ProblemCode.IDEMPOTENCY_IN_PROGRESS: "409: the first request with this Idempotency-Key "
    "still runs; see Retry-After",
    ProblemCode.IDEMPOTENCY_KEY_REUSED: "422: the Idempotency-Key was used for another file "
    "or other options",
    ProblemCode.IMPORT_NOT_REVERTIBLE: "409: only a completed import can be reverted (not a dry "
    "run, a refused, cancelled or running one, nor one reverted already)",
    ProblemCode.USERS_CHANGED_SINCE: "409: a later import has changed users this import wrote; "
    "see users; nothing was reverted",
    ProblemCode.SCHEMA_OUTDATED: "503 (readiness): the database was not migrated to this "
    "version's schema: run `userimport migrate`",
    ProblemCode.INVALID_USER: "422: a value of a user is not valid; see errors (their column is "
    "the field)",
    ProblemCode.ADDRESS_TAKEN: "409: an address is held by another user (its primary or an "
    "alias); nothing was changed",
    ProblemCode.VERSION_MISMATCH: "412: If-Match does not name the user's version (it changed "
    "since it was read); nothing was changed",
}


def described(meanings: dict[RowCode, str] | dict[ProblemCode, str]) -> str:
    """The codes and their meanings as one Markdown list, for the OpenAPI descriptions."""
    return "\n".join(f"- `{code.value}`: {meaning}" for code, meaning in meanings.items())
