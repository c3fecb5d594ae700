"""API keys and their roles (admin, reader): the keys' repository (digests only) and the
dependencies routes require (AdminDep, ReaderDep).

May import: app.core, app.db, app.http. Must never import: users, imports, routes."""
