from enum import StrEnum

class ProblemCode(StrEnum):
    CLIENT_DISCONNECTED = "client_disconnected"
    DATABASE_UNAVAILABLE = "database_unavailable"
    FORBIDDEN = "forbidden"
    HEADERS_TOO_LARGE = "headers_too_large"
    HTTP_ERROR = "http_error"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IMPORT_FINISHED = "import_finished"
    IMPORT_NOT_REVERTIBLE = "import_not_revertible"
    IMPORT_REFUSED = "import_refused"
    INTERNAL_ERROR = "internal_error"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_HTTP = "invalid_http"
    INVALID_MULTIPART = "invalid_multipart"
    INVALID_REQUEST = "invalid_request"
    JOBS_UNAVAILABLE = "jobs_unavailable"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    MISSING_FILE = "missing_file"
    NOT_FOUND = "not_found"
    OVERLOADED = "overloaded"
    REQUEST_TIMEOUT = "request_timeout"
    SCHEMA_OUTDATED = "schema_outdated"
    TOO_MANY_IMPORTS = "too_many_imports"
    UNAUTHORIZED = "unauthorized"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UPLOAD_TOO_LARGE = "upload_too_large"
    USERS_CHANGED_SINCE = "users_changed_since"

    def __str__(self) -> str:
        return str(self.value)
