"""check_row (every file check: UserRow's rules called directly, the model built from the
checked values) finds exactly what validating the UserRow model finds, for any cells, and
builds the same row; row_verdict (dry runs) the same errors."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.core.schemas import RowError
from app.imports.reading.cells import RowContext, RowPolicy
from app.imports.reading.row_check import check_row, row_errors, row_verdict
from app.imports.reading.user_row import EMAIL, FORCE_CHANGE, NAME, PASSWORD, PASSWORD_HASH, UserRow

ADDRESSES = st.one_of(
    st.sampled_from(
        [
            "ana@example.com", "Ana.Lima@Example.COM", "hr@company.com", "x@y", "no-at-sign",
            "a@b.com; c@d.com", "test@iana.org\r", " ana@example.com\u00a0", "",
            "a" * 65 + "@example.com", "ana@" + "b" * 64 + ".com", "José@exámple.com",
            "ana@example.com\t", "ana@ex ample.com", "\u3000ana@example.com",
        ]
    ),
    st.text(max_size=30),
    st.from_regex(r"[a-z]{1,10}@[a-z]{1,8}\.(com|org|io)", fullmatch=True),
)  # fmt: skip
NAMES = st.one_of(
    st.sampled_from(["Ana Lima", "", "  ", "Ana\r\n", "\x07bell", "名前\u3000名前", "x" * 300]),
    st.text(max_size=20),
)
PASSWORDS = st.one_of(
    st.sampled_from(["Correct-Horse-1", "password", "short", "", "ana12345678", "with\nbreak"]),
    st.text(max_size=24),
)
HASHES = st.one_of(
    st.sampled_from(
        [
            "", "  ", "$2b$12$" + "a" * 53, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
            "$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA", "md5:abc", "$2b$12$short",
        ]
    ),
    st.text(max_size=12),
)  # fmt: skip
FLAGS = st.one_of(st.sampled_from(["TRUE", "FALSE", "true", " False ", "yes", "", "1"]), st.text())


def by_model(
    cells: tuple[str, str, str, str], context: RowContext, password_hash: str | None
) -> UserRow | list[RowError]:
    """The declared contract: UserRow.model_validate, pydantic calling the rules."""
    email, name, password, force = cells
    values = {EMAIL: email, NAME: name, PASSWORD: password, FORCE_CHANGE: force}
    context.address, context.hashed = None, password_hash is not None
    if password_hash is not None:
        values[PASSWORD_HASH] = password_hash
    try:
        return UserRow.model_validate(values, context=context)
    except ValidationError as exc:
        return row_errors(7, exc)


@settings(max_examples=400, deadline=None)
@given(
    address=ADDRESSES,
    name=NAMES,
    password=PASSWORDS,
    flag=FLAGS,
    password_hash=st.one_of(st.none(), HASHES),
    domains=st.sampled_from([(), ("example.com",), ("*.example.com", "company.com")]),
)
def test_the_checks_are_the_models(
    address: str,
    name: str,
    password: str,
    flag: str,
    password_hash: str | None,
    domains: tuple[str, ...],
) -> None:
    cells = (address, name, password, flag)
    model, directly = RowContext(RowPolicy(8, domains)), RowContext(RowPolicy(8, domains))
    expected = by_model(cells, model, password_hash)

    hashed = password_hash is not None
    checked = check_row(7, cells, directly, password_hash or "", hashed=hashed)

    assert checked == expected
    assert directly.address == model.address
    if not hashed:
        assert row_verdict(7, cells, directly) == (checked if isinstance(checked, list) else [])
