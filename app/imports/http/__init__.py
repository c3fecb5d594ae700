"""The HTTP face of imports: the routes (import_routes: the template and POST /imports;
record_routes: the history, one import, cancel; revert_route), the multipart upload, its
options, the way an upload takes (dispatch: sync or job), the answers' schemas and the CSV
error file.

May import: every sub-package of app.imports, app.http, app.auth, app.core, app.db. Must never
import: app.routes, app.main."""
