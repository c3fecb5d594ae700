"""Password hashes made elsewhere, imported as they are: which are accepted, and how a
password is checked against one (argon2 by argon2-cffi, bcrypt by bcrypt, scrypt by hashlib).

A hash carries its own cost, and a sign-in runs it: an accepted hash is one whose verification
is bounded (BOUNDS, measured in docs/security.md), written with ASCII digits, every parameter
at least 1. verify_any answers a bool for every hash is_supported_hash accepts; it never raises.
"""

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MAX_HASH_LENGTH = 255
BCRYPT_MAX_BYTES = 72  # bcrypt reads a password's first 72 bytes, and no more


@dataclass(frozen=True, slots=True)
class Bounds:
    bcrypt_cost: tuple[int, int] = (4, 14)
    argon2_memory_kib: int = 256 * 1024
    argon2_time: int = 10
    argon2_lanes: int = 8
    argon2_work_kib: int = 1024 * 1024  # m x t: 1 GiB of memory passes (256 MiB x 4)
    scrypt_memory_bytes: int = 256 * 1024 * 1024  # 128 * r * N
    scrypt_parallelism: int = 16


BOUNDS = Bounds()
_B64 = r"[A-Za-z0-9+/]+"
_ARGON2 = re.compile(
    rf"\$argon2(?:id|i)\$(?:v=(16|19)\$)?m=([0-9]{{1,10}}),t=([0-9]{{1,10}}),p=([0-9]{{1,3}})"
    rf"\${_B64}\${_B64}",
    re.ASCII,
)
_BCRYPT = re.compile(r"\$2[aby]\$([0-9]{2})\$[./A-Za-z0-9]{53}", re.ASCII)
_SCRYPT = re.compile(
    r"\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,3}),p=([0-9]{1,3})\$([A-Za-z0-9+/.]+)\$([A-Za-z0-9+/.]+)",
    re.ASCII,
)
_VERIFY_ARGON2 = PasswordHasher()


def hash_problem(value: str, bounds: Bounds = BOUNDS) -> str | None:
    """Why the hash is not kept (one sentence, naming the bound), or None when it is."""
    if len(value) > MAX_HASH_LENGTH:
        return f"The password hash is longer than {MAX_HASH_LENGTH} characters."
    if found := _ARGON2.fullmatch(value):
        memory, time, lanes = (int(found.group(n)) for n in (2, 3, 4))
        if not 1 <= lanes <= bounds.argon2_lanes:
            return f"The argon2 hash's p must be 1 to {bounds.argon2_lanes}."
        if not 1 <= time <= bounds.argon2_time:
            return f"The argon2 hash's t must be 1 to {bounds.argon2_time}."
        if not 8 * lanes <= memory <= bounds.argon2_memory_kib:
            return (
                f"The argon2 hash's m must be 8 x p to {bounds.argon2_memory_kib} KiB "
                f"({bounds.argon2_memory_kib // 1024} MiB)."
            )
        if memory * time > bounds.argon2_work_kib:
            return (
                f"The argon2 hash's m x t must be at most {bounds.argon2_work_kib} KiB "
                f"({bounds.argon2_work_kib // 2**20} GiB, e.g. 256 MiB x 4)."
            )
        return None
    if found := _BCRYPT.fullmatch(value):
        low, high = bounds.bcrypt_cost
        if not low <= int(found.group(1)) <= high:
            return f"The bcrypt hash's cost must be {low} to {high}."
        return None
    if found := _SCRYPT.fullmatch(value):
        log_n, r, p = (int(found.group(n)) for n in (1, 2, 3))
        if min(log_n, r, p) < 1:
            return "The scrypt hash's ln, r and p must each be at least 1."
        if p > bounds.scrypt_parallelism:
            return f"The scrypt hash's p must be at most {bounds.scrypt_parallelism}."
        if 128 * r * 2**log_n > bounds.scrypt_memory_bytes:
            return (
                "The scrypt hash needs more than "
                f"{bounds.scrypt_memory_bytes // 2**20} MiB (128 x r x 2^ln bytes)."
            )
        return None
    return (
        "The password hash is not one this service keeps: argon2id or argon2i (PHC), "
        "bcrypt ($2a$, $2b$, $2y$) or scrypt ($scrypt$ PHC), written whole."
    )


def is_supported_hash(value: str) -> bool:
    """argon2id / argon2i (PHC), bcrypt ($2a$, $2b$, $2y$) or scrypt ($scrypt$ PHC), within
    the bounds."""
    return hash_problem(value) is None


def _b64(text: str) -> bytes:
    """passlib's adapted base64 ('.' for '+', no padding) and the standard one."""
    text = text.replace(".", "+")
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _verify_scrypt(stored: str, password: str) -> bool:
    found = _SCRYPT.fullmatch(stored)
    if found is None:
        return False
    log_n, r, p = (int(found.group(n)) for n in (1, 2, 3))
    try:
        salt, checksum = _b64(found.group(4)), _b64(found.group(5))
    except (binascii.Error, ValueError):
        return False
    if not checksum:
        return False
    n = 2**log_n
    # OpenSSL's own reckoning: 128 r (N + 2) bytes for V, 128 r p for B; a little to spare.
    maxmem = 128 * r * (n + 2) + 128 * r * p + 2**20
    derived = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=len(checksum)
    )
    return hmac.compare_digest(derived, checksum)


def verify_any(stored: str, password: str) -> bool:
    """Whether the password matches a stored hash of any accepted scheme; False for a hash
    that is not accepted (never run: its cost is unbounded)."""
    if not is_supported_hash(stored):
        return False
    try:
        if stored.startswith("$argon2"):
            return _VERIFY_ARGON2.verify(stored, password)
        if stored.startswith("$2"):
            candidate = password.encode()[:BCRYPT_MAX_BYTES]  # as bcrypt itself reads it
            return bool(bcrypt.checkpw(candidate, stored.encode()))
        return _verify_scrypt(stored, password)
    except (VerificationError, InvalidHashError, ValueError):
        return False
