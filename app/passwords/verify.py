"""Checking a user's password: the hook a sign-in service calls (this service has no sign-in).

An imported bcrypt or scrypt hash, or an argon2 hash with other parameters, is replaced by an
argon2id hash of the service's parameters the first time its password is verified, so imported
users move to the service's scheme as they sign in."""

from argon2 import PasswordHasher

from app.core.config import get_settings
from app.db.models.directory import DirectoryUser
from app.passwords.hashing import argon2id
from app.passwords.imported import verify_any


def verify_password(
    user: DirectoryUser, password: str, hasher: PasswordHasher | None = None
) -> bool:
    """Whether the password is the user's; on success, a hash of another scheme or other
    parameters is upgraded on the user (the caller's session writes it when it commits)."""
    if not verify_any(user.password_hash, password):
        return False
    hasher = hasher or argon2id(get_settings())
    current = user.password_hash.startswith("$argon2id$")
    if not current or hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True
