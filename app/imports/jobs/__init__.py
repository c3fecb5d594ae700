"""An import job: the steps of app/imports/plan cut into tasks any worker runs (runtime,
validate, part_checks, hashing, commit; tasks names them), what a job stages (staging/),
receiving an upload too large to hold (part_cutter, receive), the worker process (worker),
and what is pruned, when (retention).

May import: app.imports.plan, records, reading, options, problems, app.queue, app.directory,
app.passwords, app.core, app.db. Must never import: app.imports.http."""
