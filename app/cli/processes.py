"""The service's processes: `serve` (and a lone container's first start, --prepare), `worker`,
`healthcheck`, and the staging key they share."""

import argparse
import sys
from pathlib import Path

from app.auth.keys import ApiKeyRepository, Role
from app.cli.database import migrate
from app.cli.keys import BOOTSTRAP_KEY_NAME
from app.core.config import Settings
from app.core.logs import configure_logging
from app.core.sealing import ensure_key_file, write_secret_file
from app.db.engine import create_db_engine, create_session_factory


def port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535 (got {value!r})")
    return int(value)


def run_worker(settings: Settings, concurrency: int) -> int:
    if not settings.uses_postgresql:
        print(
            "userimport worker needs PostgreSQL (DATABASE_URL); with SQLite, "
            "`userimport serve` runs the jobs itself.",
            file=sys.stderr,
        )
        return 2
    if concurrency < 1:
        print("--concurrency must be at least 1", file=sys.stderr)
        return 2
    from app.core.sealing import StagingKeyError
    from app.imports.jobs.worker import run_import_worker

    configure_logging(settings.log_level, settings.log_format)
    if settings.worker_metrics_port is not None:
        from app.core.metrics import WorkerMetricsExposedError, serve_worker_metrics

        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        try:
            host, port = settings.worker_metrics_host, settings.worker_metrics_port
            serve_worker_metrics(host, port, token)
        except WorkerMetricsExposedError as exc:
            print(f"userimport worker: {exc}", file=sys.stderr)
            return 2
    try:
        run_import_worker(settings, concurrency)
    except StagingKeyError as exc:
        print(f"userimport worker: {exc}", file=sys.stderr)
        return 2
    return 0


def staging_key(settings: Settings) -> int:
    if settings.staging_key is not None:
        print("USERIMPORT_STAGING_KEY is set; no key file is needed.")
        return 0
    path = Path(settings.staging_key_file)
    if ensure_key_file(path):
        print(f"Wrote a new staging key to {path} (keep it secret; every web process and "
              "worker needs the same key).")  # fmt: skip
    else:
        print(f"A staging key exists at {path}.")
    return 0


def healthcheck(url: str) -> int:
    import urllib.error
    import urllib.request

    if not url.startswith(("http://", "https://")):
        print(f"not an http(s) URL: {url!r}", file=sys.stderr)
        return 2
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - checked above
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


def prepare(settings: Settings) -> None:
    """A single container's first start: the schema, a staging key, an admin key. The key is
    written to USERIMPORT_FIRST_KEY_FILE (0600), not printed: a container's output is its log,
    kept and shipped where anyone may read it."""
    if migrate(settings) != 0:
        raise SystemExit(1)
    staging_key(settings)
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine).begin() as session:
            keys = ApiKeyRepository(session)
            if settings.api_key is not None or keys.count_active() > 0:
                return
            _, key = keys.create(BOOTSTRAP_KEY_NAME, Role.ADMIN)
            path = Path(settings.first_key_file)
            path.unlink(missing_ok=True)  # a key of an earlier database: no longer valid
            write_secret_file(path, key)
    finally:
        engine.dispose()
    print(
        f"No API key existed, so an admin key {BOOTSTRAP_KEY_NAME!r} was made and written to "
        f"{path} (readable by this user only): read it once (`cat {path}` in the container), "
        "store it, and delete the file."
    )
