"""The database: the engine and the one way a request reaches it (engine.Database: short
transactions on a bounded pool, run again after a deadlock), the tables (models/), which schema
revision the code needs (schema), and the service's own least-privilege role (app_role).

May import: app.core. Must never import: any domain package (auth, imports, users, http, ...);
they all stand on it."""
