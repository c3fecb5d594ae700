"""The `userimport` console script (main: its commands), one module per group of commands:
keys, database (migrate, prune), processes (serve, worker, healthcheck, the staging key).

May import: every package of app/ (it stands on top, beside app.main). Must never import:
nothing imports it; it is the entry point (pyproject: app.cli.main:main)."""
