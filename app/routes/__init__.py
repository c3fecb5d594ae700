"""Routes that are no domain's own: the health probes, GET /metrics, and the upload page with
the API documentation (served from the service's own files).

May import: every package below it (core, db, http, auth, queue, imports). Must never import:
app.main, app.cli."""
