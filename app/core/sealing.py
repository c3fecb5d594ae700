"""A job's file and rows hold passwords: they are staged sealed (AES-256-GCM), never plain."""

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core.config import Settings

NONCE_BYTES = 12
KEY_BYTES = 32


class StagingKeyError(Exception):
    """No usable staging key: large imports cannot be staged."""


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _parse_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise StagingKeyError("The staging key is not base64.") from None
    if len(key) != KEY_BYTES:
        raise StagingKeyError(f"The staging key must be {KEY_BYTES} bytes, base64-encoded.")
    return key


def write_secret_file(path: Path, secret: str) -> bool:
    """Write secret to a new file only its owner may read (0600); False when path exists."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    return True


def ensure_key_file(path: Path) -> bool:
    """Write a new key to path (owner-only) unless one is there; True when written."""
    return write_secret_file(path, new_key())


class Sealer:
    """Seals bytes bound to what they are (the context, e.g. "file:42"): a sealed chunk
    cannot be passed off as another's."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Sealer":
        if settings.staging_key is not None:
            return cls(_parse_key(settings.staging_key.get_secret_value()))
        path = Path(settings.staging_key_file)
        try:
            return cls(_parse_key(path.read_text()))
        except OSError:
            raise StagingKeyError(
                f"No staging key: set USERIMPORT_STAGING_KEY or run "
                f"`userimport staging-key ensure` to write {path}."
            ) from None

    def seal(self, data: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise StagingKeyError(
                "A staged job cannot be opened with this key: every web process and worker "
                "needs the same USERIMPORT_STAGING_KEY."
            ) from None
