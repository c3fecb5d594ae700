"""The directory's users: their repository (all SQL about them), GET /users (a page, or the
export as the template's CSV) and its schemas.

May import: app.core, app.db, app.http, app.auth. Must never import: imports, routes."""
