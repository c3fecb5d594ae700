"""Settings from the environment: prefix USERIMPORT_, the database from DATABASE_URL. Secrets
may come from files instead (mounted secrets, app/core/secret_files.py): NAME_FILE names the
file of setting NAME."""

import os
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

from app.core.secret_files import SecretFiles

DEFAULT_DATABASE_URL = "sqlite:///./data/userimport.db"


def uses_postgresql(database_url: str) -> bool:
    """The one decision of the backend: PostgreSQL (the job queue lives there), else the
    embedded SQLite. Settings ask it once; an engine made from a bare URL asks it too."""
    return make_url(database_url).get_backend_name() == "postgresql"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="USERIMPORT_", extra="ignore", validate_by_name=True
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "USERIMPORT_DATABASE_URL"),
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://...",
    )
    max_rows: int = Field(default=500, ge=1, description="Most addresses one import may hold.")
    max_errors: int = Field(
        default=1000, ge=1, description="Most errors listed in one answer (all are counted)."
    )
    max_upload_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="Largest request body accepted."
    )
    max_job_upload_bytes: int = Field(
        default=1024 * 1024 * 1024,
        ge=1024,
        description="Largest body of POST /imports when jobs are on (a staging key): a file "
        "larger than USERIMPORT_MAX_UPLOAD_BYTES is staged in parts as it arrives, never held.",
    )
    argon2_time_cost: int = Field(default=2, ge=1, description="argon2id iterations (t).")
    argon2_memory_cost: int = Field(default=19456, ge=8, description="argon2id memory in KiB (m).")
    argon2_parallelism: int = Field(default=1, ge=1, description="argon2id lanes (p).")
    hash_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Threads that hash passwords (argon2 releases the GIL).",
    )
    log_level: str = Field(default="INFO", description="Level of the service's own log lines.")
    log_format: Literal["json", "text"] | None = Field(
        default=None,
        description="json: one JSON object a line (the default when not on a terminal); text.",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="A bearer token that may read GET /metrics (besides keys), and a worker's "
        "metrics port (which needs it unless it listens on a loopback address).",
    )
    app_database_url: SecretStr | None = Field(
        default=None,
        description="`userimport migrate` only (PostgreSQL): the URL the web processes and "
        "workers connect with; its user is made (or kept) a role that may read and write the "
        "service's rows and nothing more, while DATABASE_URL (the schema's owner) migrates.",
    )
    api_key: SecretStr | None = Field(
        default=None, description="Also accepted as an admin key (an injected secret)."
    )
    sync_max_rows: int = Field(
        default=500, ge=1, description="Larger imports are accepted as background jobs (202)."
    )
    job_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Chunks the embedded worker (in `userimport serve`) hashes at once, a "
        "thread each; `userimport worker --concurrency` sets it for a worker process.",
    )
    embedded_worker: bool | None = Field(
        default=None,
        description="Run import jobs inside `userimport serve`; unset: on with SQLite, off with "
        "PostgreSQL (run `userimport worker` processes instead).",
    )
    job_chunk_rows: int = Field(
        default=1000,
        ge=1,
        description="Most rows of a job hashed by one task (any worker's); a job is cut into "
        "at least 64 chunks of 50 rows or more.",
    )
    job_part_rows: int = Field(
        default=25_000,
        ge=10,
        description="A job of more than twice this many rows is checked in parts of about this "
        "many rows, by any workers at once.",
    )
    job_max_attempts: int = Field(
        default=5,
        ge=1,
        description="Runs of a job's task before the job fails as interrupted (errors, crashes).",
    )
    worker_heartbeat_seconds: float = Field(
        default=10, gt=0, description="How often a worker tells the queue it is alive."
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="`userimport worker` serves its metrics (Prometheus text) on this port; "
        "unset: none. `--metrics-port` sets it too.",
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description="The address a worker's metrics listen on (0.0.0.0 in a container).",
    )
    worker_stalled_seconds: float = Field(
        default=30,
        gt=0,
        description="A worker silent this long is taken as dead: its tasks run again elsewhere.",
    )
    staging_key: SecretStr | None = Field(
        default=None,
        description="AES-256-GCM key (base64, 32 bytes) sealing a job's staged file and rows; "
        "every web process and worker needs the same one.",
    )
    staging_key_file: str = Field(
        default="data/staging.key",
        description="Where the key is read from when USERIMPORT_STAGING_KEY is unset "
        "(`userimport staging-key ensure` writes it).",
    )
    first_key_file: str = Field(
        default="data/first-admin.key",
        description="`serve --prepare` only: where the admin key it makes on a first start "
        "(no key existed) is written, readable by its owner only; never printed to a log.",
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description="Database connections a web process uses for requests (a request holds one "
        "only for the length of one short transaction).",
    )
    header_timeout_seconds: float = Field(
        default=10,
        gt=0,
        description="A client that has not sent a whole request head in this time is disconnected.",
    )
    keep_alive_seconds: float = Field(
        default=5, gt=0, description="An idle keep-alive connection is closed after this."
    )
    max_connections: int = Field(
        default=1000, ge=1, description="Open connections; more get a 503 problem and are closed."
    )
    max_requests: int = Field(
        default=200, ge=1, description="Requests in progress at once; more get a 503 problem."
    )
    max_concurrent_imports: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Uploads parsed and hashed at once; the others wait their turn.",
    )
    import_queue: int = Field(
        default=100, ge=0, description="Uploads that may wait their turn; more get a 429 problem."
    )
    idempotency_ttl_hours: float = Field(
        default=24, gt=0, description="How long an Idempotency-Key and its answer are kept."
    )
    idempotency_lease_seconds: float = Field(
        default=30,
        gt=0,
        description="A request running with an Idempotency-Key renews its claim this often x 3; "
        "a claim not renewed for this long (its process died) is taken over by a retry.",
    )
    retention_days: float = Field(
        default=90,
        ge=0,
        description="Ended import records (with their errors) older than this are pruned, with "
        "expired idempotency records, finished queue tasks and dead workers' rows; never a user.",
    )
    prune_interval_hours: float = Field(
        default=6, gt=0, description="How often each web process prunes (and once at start)."
    )
    min_password_length: int = Field(default=8, ge=1, description="Shortest password accepted.")
    max_aliases: int = Field(default=30, ge=0, le=1000, description="Most aliases of one user.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins of browser front ends, comma-separated."
    )
    allowed_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Address domains accepted (empty: any); *.example.com admits subdomains.",
    )

    @field_validator("cors_origins", "allowed_domains", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, SecretFiles(settings_cls), env_settings, dotenv_settings

    @property
    def uses_postgresql(self) -> bool:
        """PostgreSQL (the job queue lives there) rather than the embedded SQLite."""
        return uses_postgresql(self.database_url)

    @property
    def runs_embedded_worker(self) -> bool:
        if self.embedded_worker is not None:
            return self.embedded_worker
        return not self.uses_postgresql


@lru_cache
def get_settings() -> Settings:
    return Settings()
