"""Deciding what a checked file does, and the synchronous import: admission (how many at once),
the file's check in a thread or a process (file_check), the one planner against the directory
(directory_check), and the sync import's straight line of steps (sync_import), which a job
cuts into tasks.

May import: app.imports.records, reading, options, problems, app.directory,
app.passwords, app.core, app.db. Must never import: jobs, http."""
