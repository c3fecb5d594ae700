"""The directory's users: the rules of a value (rules, addresses), one address space
(address_book), every write to users (writes) and its events (events), their SQL
(repository), and the HTTP API over them (GET /users, the export, one user read, changed or
deleted, its events: router, service, schemas, export).

May import: app.core, app.db, app.http, app.auth. Must never import: imports, routes."""
