"""The password rules of an import: length, the address's local part, common passwords."""

from dataclasses import dataclass
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.core.codes import RowCode

# Shorter local parts ("hr", "jo") would forbid too many good passwords by containment.
MIN_LOCAL_PART_TO_MATCH = 3


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's list (from leaked password corpora)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


@dataclass(frozen=True, slots=True)
class PasswordProblem:
    code: RowCode
    message: str  # never quotes the password


def password_problem(password: str, email: str | None, min_length: int) -> PasswordProblem | None:
    if len(password) < min_length:
        return PasswordProblem(
            RowCode.PASSWORD_TOO_SHORT, f"The password is shorter than {min_length} characters."
        )
    folded = password.casefold()
    if email is not None:
        local = email.rsplit("@", 1)[0].casefold()
        if folded == local or (len(local) >= MIN_LOCAL_PART_TO_MATCH and local in folded):
            return PasswordProblem(
                RowCode.PASSWORD_CONTAINS_EMAIL, "The password contains the address's name part."
            )
    if folded in common_passwords():
        return PasswordProblem(
            RowCode.PASSWORD_TOO_COMMON, "The password is one of the most common passwords."
        )
    return None
