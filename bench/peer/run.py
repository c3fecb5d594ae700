"""Rows per second of django-import-export validating a CSV into SQLite (dry run).

A ModelResource with email, name, password and force-change fields,
clean_model_instances = True (full model validation), dry_run=True.
"""

import tempfile
import time
from functools import cache
from pathlib import Path


@cache  # Django is configured once a process: the peer is measured once a run
def peer_rows_per_second(data: bytes) -> tuple[float, int]:
    """(rows per second, rows validated) for the CSV bytes given."""
    import django
    from django.conf import settings

    database = Path(tempfile.mkdtemp()) / "peer.db"
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "import_export", "bench.peer"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    import tablib
    from django.db import connection
    from import_export import fields, resources, widgets

    from bench.peer.models import PeerUser

    with connection.schema_editor() as editor:
        editor.create_model(PeerUser)

    class PeerUserResource(resources.ModelResource):  # type: ignore[misc]
        email = fields.Field(attribute="email", column_name="Email")
        name = fields.Field(attribute="name", column_name="Name")
        password = fields.Field(attribute="password", column_name="Password")
        force_change_password = fields.Field(
            attribute="force_change_password",
            column_name="Force Change Password",
            widget=widgets.BooleanWidget(),
        )

        class Meta:
            model = PeerUser
            fields = ("email", "name", "password", "force_change_password")
            import_id_fields = ("email",)
            clean_model_instances = True

    started = time.perf_counter()
    dataset = tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    result = PeerUserResource().import_data(dataset, dry_run=True, raise_errors=True)
    elapsed = time.perf_counter() - started
    rows = result.totals["new"] + result.totals["update"]
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("the peer refused the benchmark file")
    return rows / elapsed, rows
