"""`userimport keys`: make, list, revoke API keys (only their digests are stored; a new key is
printed once, to the terminal)."""

import argparse
import sys

from app.auth.keys import ApiKeyRepository, Role
from app.core.config import Settings
from app.db.engine import create_db_engine, create_session_factory
from app.db.models.base import MAX_KEY_NAME_LENGTH

BOOTSTRAP_KEY_NAME = "first-admin"


def key_name(value: str) -> str:
    name = value.strip()
    if not 1 <= len(name) <= MAX_KEY_NAME_LENGTH:
        raise argparse.ArgumentTypeError(
            f"a key name is 1 to {MAX_KEY_NAME_LENGTH} characters (got {len(name)})"
        )
    if not name.isprintable():
        raise argparse.ArgumentTypeError("a key name holds no control characters")
    return name


def show_new_key(key: str, url: str, path: str = "/users") -> None:
    print(f"  {key}")
    print("Store it now: only its digest is kept, it cannot be shown again. Try it:")
    print(f"  curl -H 'Authorization: Bearer {key}' {url}{path}")


def create_key(keys: ApiKeyRepository, name: str, role: str) -> int:
    if keys.active_by_name(name) is not None:
        print(f"an active key named {name!r} exists already", file=sys.stderr)
        return 1
    _, key = keys.create(name, Role(role))
    print(f"New {role} key {name!r}:")
    path = "/scim/v2/Users" if role == Role.PROVISIONER else "/users"
    show_new_key(key, "http://127.0.0.1:8000", path)
    return 0


def list_keys(keys: ApiKeyRepository) -> int:
    print(f"{'name':<24} {'role':<7} {'created':<20} {'last used':<20} revoked")
    for record in keys.all():
        created = f"{record.created_at:%Y-%m-%d %H:%M:%S}"
        used = f"{record.last_used_at:%Y-%m-%d %H:%M:%S}" if record.last_used_at else "-"
        revoked = f"{record.revoked_at:%Y-%m-%d %H:%M:%S}" if record.revoked_at else "-"
        print(f"{record.name:<24} {record.role:<7} {created:<20} {used:<20} {revoked}")
    return 0


def revoke_key(keys: ApiKeyRepository, name: str) -> int:
    record = keys.active_by_name(name)
    if record is None:
        print(f"no active key named {name!r}", file=sys.stderr)
        return 1
    keys.revoke(record)
    print(f"revoked {name!r}; it is refused from now on")
    return 0


def ensure_key(keys: ApiKeyRepository, settings: Settings, url: str) -> int:
    if settings.api_key is not None or keys.count_active() > 0:
        print("API keys exist; `userimport keys create` makes another.")
        return 0
    _, key = keys.create(BOOTSTRAP_KEY_NAME, Role.ADMIN)
    print(f"No API key existed, so an admin key {BOOTSTRAP_KEY_NAME!r} was made:")
    show_new_key(key, url)
    return 0


def run_keys(args: argparse.Namespace, settings: Settings) -> int:
    """`userimport keys ...`: one command in one transaction."""
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            keys = ApiKeyRepository(session)
            if args.command == "create":
                status = create_key(keys, args.name, args.role)
            elif args.command == "list":
                status = list_keys(keys)
            elif args.command == "revoke":
                status = revoke_key(keys, args.name)
            else:
                status = ensure_key(keys, settings, args.url)
            session.commit()
            return status
    finally:
        engine.dispose()
