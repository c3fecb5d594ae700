"""The import of a file, in sub-packages of one concern each, on floors (arrows point down):

    http/      POST /imports and the records' routes, the multipart upload, the answers
    jobs/      the same steps cut into tasks any worker runs; staging; receiving a streamed
               upload; retention
    plan/      admission, the file's check (thread or process), the one planner, the sync
               import's straight line
    records/   an import's record: repository, the state machine, changes and revert,
               idempotency
    reading/   bytes -> text -> records -> rows, the rules of a cell, a row and a file
    options, problems: what an upload asks for, and the errors imports answer with

May import: app.core, app.db, app.http, app.auth, app.passwords, app.queue, app.directory. Must
never import: app.routes, app.main, app.cli."""
