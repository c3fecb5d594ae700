"""The tables, by group: base (what they share), imports (records, changes, idempotency),
directory (users), staging (what a job stages), keys (API keys). Importing any of them
registers every table on Base.metadata (migrations and tests compare against it).

May import: app.core, sqlalchemy. Must never import: anything else of app/."""

from app.db.models import base, directory, imports, keys, staging  # noqa: F401 (every table)
