"""Password hashes made elsewhere, imported as they are: which are accepted, and how a
password is checked against one (argon2 by argon2-cffi, bcrypt by bcrypt, scrypt by hashlib).
"""

import base64
import binascii
import hashlib
import hmac
import re

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_B64 = r"[A-Za-z0-9+/]+"
_ARGON2 = re.compile(rf"\$argon2(?:id|i)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\${_B64}\${_B64}")
_BCRYPT = re.compile(r"\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}")
_SCRYPT = re.compile(
    r"\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/.]+)\$([A-Za-z0-9+/.]+)"
)
MAX_SCRYPT_LOG_N = 20  # 2**20 * r * 128 bytes of memory at most, checked before any work
_VERIFY_ARGON2 = PasswordHasher()


def is_supported_hash(value: str) -> bool:
    """argon2id / argon2i (PHC), bcrypt ($2a$, $2b$, $2y$) or scrypt ($scrypt$ PHC)."""
    if len(value) > 255:
        return False
    if _ARGON2.fullmatch(value) or _BCRYPT.fullmatch(value):
        return True
    scrypt = _SCRYPT.fullmatch(value)
    return scrypt is not None and 1 <= int(scrypt.group(1)) <= MAX_SCRYPT_LOG_N


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
    derived = hashlib.scrypt(
        password.encode(), salt=salt, n=2**log_n, r=r, p=p,
        maxmem=2 * 128 * r * (2**log_n) + 1024 * 1024, dklen=len(checksum),
    )  # fmt: skip
    return hmac.compare_digest(derived, checksum)


def verify_any(stored: str, password: str) -> bool:
    """Whether the password matches a stored hash of any accepted scheme."""
    if stored.startswith("$argon2"):
        try:
            return _VERIFY_ARGON2.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    if _BCRYPT.fullmatch(stored):
        try:
            return bool(bcrypt.checkpw(password.encode(), stored.encode()))
        except ValueError:  # bcrypt reads at most 72 bytes and refuses longer ones
            return False
    if stored.startswith("$scrypt$"):
        return _verify_scrypt(stored, password)
    return False
