"""Reading a file, with no database: bytes -> text (decoding) -> CSV records (records, header)
-> checked rows (cells, user_row: the one row contract UserRow; file_rules: duplicates and the
verdict of a file), the limits it is judged by, a whole file's validation and its parts'.

May import: app.imports.options, app.core, app.db.models (column limits), app.passwords. Must
never import: records, plan, jobs, http (they all read files through it)."""
