"""The task queue, knowing no domain: tasks as named functions of a runtime, procrastinate's
queue on PostgreSQL and its workers, the embedded runner (SQLite), the queue's own rows.

May import: app.core, app.db. Must never import: imports or any other domain package."""
