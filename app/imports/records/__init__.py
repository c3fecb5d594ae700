"""An import's record and its life: the repository, the one state machine (status), what a
completed import changed and its revert, Idempotency-Key answers and running a request once.

May import: app.imports.reading (column order), options, problems, app.core, app.db. Must
never import: plan, jobs, http."""
