"""Address checks with email-validator, its per-domain work done once per distinct domain.

email-validator spends most of its time on the domain (IDNA/UTS-46 checks of every
character); a file of 100,000 addresses usually has a handful of domains. Plain ASCII
addresses are checked here with the library's own local-part check on every row and its
domain verdict cached per domain; anything else goes through validate_email whole. The two
paths give the same verdicts, messages and normalized forms
(tests/imports/reading/test_addresses.py).
"""

import re

from email_validator import EmailNotValidError, EmailSyntaxError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES, DOT_ATOM_TEXT
from email_validator.syntax import validate_email_local_part

from app.db.models.base import MAX_EMAIL_LENGTH

_PLAIN = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
MAX_LOCAL_PART_LENGTH = 64  # RFC 5321; email-validator checks it only when strict
_LOCAL_TOO_LONG = f"The part before the @-sign is longer than {MAX_LOCAL_PART_LENGTH} characters."


def is_plain(address: str) -> bool:
    """ASCII letters, digits and the usual symbols around one @: no space, control
    character or separator, and no internationalized part."""
    return _PLAIN.fullmatch(address) is not None


def normalize_fully(address: str) -> str:
    normalized = validate_email(address, check_deliverability=False).normalized
    if len(normalized.rsplit("@", 1)[0]) > MAX_LOCAL_PART_LENGTH:
        raise EmailSyntaxError(_LOCAL_TOO_LONG)
    return normalized


# The usual address in one match: a dot-atom local part (email-validator's own pattern: valid
# and normalized as it is) and a plain domain.
USUAL_ADDRESS = re.compile(
    f"({DOT_ATOM_TEXT.pattern.removesuffix(chr(92) + 'Z')})@([A-Za-z0-9.-]+)"
)
ROLE_NAMES = CASE_INSENSITIVE_MAILBOX_NAMES  # RFC 2142's: their local part is lower-cased
LONGEST_ROLE_NAME = max(map(len, ROLE_NAMES))


class AddressValidator:
    """One per file: remembers each domain's verdict (a normalized domain or an error text)."""

    def __init__(self) -> None:
        self._domains: dict[str, tuple[bool, str]] = {}
        # Valid domains whose normalized form is as long as they are (ASCII: lower-cased).
        self._usual: dict[str, str] = {}

    @property
    def usual_domains(self) -> dict[str, str]:
        """The valid domains, as written, whose normalized form is as long as they are (ASCII:
        lower-cased): an address on one of them, a dot-atom before its @ and no role name,
        is normalized as local@domain (what normalize does for it)."""
        return self._usual

    def normalize(self, address: str, plain: bool | None = None) -> str:
        """validate_email(address, check_deliverability=False).normalized, or its error;
        plain: is_plain(address), when the caller knows it already."""
        usual = USUAL_ADDRESS.fullmatch(address) if len(address) <= MAX_EMAIL_LENGTH else None
        if usual is not None:  # the usual address on a domain seen valid: one match, one lookup
            local, domain = usual.groups()
            known = self._usual.get(domain)
            size = len(local)
            role = size <= LONGEST_ROLE_NAME and local.lower() in ROLE_NAMES
            if known is not None and size <= MAX_LOCAL_PART_LENGTH and not role:
                return f"{local}@{known}"
        if plain is None:
            plain = is_plain(address)
        if len(address) > MAX_EMAIL_LENGTH or not plain:
            return normalize_fully(address)
        local, _, domain = address.partition("@")
        if len(local) > MAX_LOCAL_PART_LENGTH:
            raise EmailSyntaxError(_LOCAL_TOO_LONG)
        if DOT_ATOM_TEXT.match(local):  # the library's own first check: valid and normalized
            local_part = local
        else:
            local_part = validate_email_local_part(local)["local_part"]  # as validate_email does
        if local_part.lower() in ROLE_NAMES:  # RFC 2142 role names
            local_part = local_part.lower()
        valid, verdict = self._domain(domain)
        if not valid:
            raise EmailSyntaxError(verdict)  # a new exception each time: no traceback chains
        normalized = f"{local_part}@{verdict}"
        if len(normalized.encode()) > MAX_EMAIL_LENGTH:  # an IDNA domain shown in Unicode
            return normalize_fully(address)
        return normalized

    def _domain(self, domain: str) -> tuple[bool, str]:
        known = self._domains.get(domain)
        if known is None:
            try:
                known = (True, validate_email(f"a@{domain}", check_deliverability=False).domain)
            except EmailNotValidError as exc:
                known = (False, str(exc))
            self._domains[domain] = known
            if known[0] and known[1].isascii() and len(known[1]) == len(domain):
                self._usual[domain] = known[1]
        return known
