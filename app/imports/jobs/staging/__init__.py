"""What a job stages between its steps, and all SQL about it: files (its file, parts and chunks,
sealed: they hold passwords), users (its hashed users and addresses, written and moved into
the directory), addresses (the set-wise questions its plan and commit ask of them).

May import: app.imports.plan (StagedRow), records, reading, app.db, app.core. Must never
import: the job's steps (app/imports/jobs/*) or http."""
