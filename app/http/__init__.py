"""The web's plumbing, knowing no domain: the uvicorn server and its limits, middleware (body
limit, request ids, security headers, overload), problem+json answers, pagination, the
OpenAPI document's finishing, and request-level dependencies.

May import: app.core, app.db. Must never import: auth, users, imports, routes (they use it)."""
