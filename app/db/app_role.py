"""The database role the service runs as on PostgreSQL, kept by `userimport migrate`: it may
read and write the service's rows, and nothing more (no DDL, not the tables' owner, not a
superuser). Migrations run as the owner (DATABASE_URL of the migrate step); the web processes
and workers connect as this role (their DATABASE_URL is USERIMPORT_APP_DATABASE_URL's)."""

from psycopg import sql
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

_GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {role}",
)


def ensure_app_role(owner: Connection, app_url: str) -> str:
    """Create (or give its password again to) the role app_url names, with rights on the rows of
    the schema the owner's connection uses: run after every migration, so a new table is
    covered. Answers the role's name."""
    url = make_url(app_url)
    if not url.username or url.password is None:
        raise ValueError("USERIMPORT_APP_DATABASE_URL must name a user and its password")
    raw = owner.connection.driver_connection
    assert raw is not None
    role, password = sql.Identifier(url.username), sql.Literal(url.password)
    with raw.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (url.username,))
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(
            sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                role, password
            )
        )
        cursor.execute("SELECT current_database(), current_schema()")
        found = cursor.fetchone()
        assert found is not None
        names = {"database": sql.Identifier(found[0]), "schema": sql.Identifier(found[1])}
        for grant in _GRANTS:
            cursor.execute(sql.SQL(grant).format(role=role, **names))
    raw.commit()  # on the driver connection: SQLAlchemy saw no statement of its own
    return url.username
