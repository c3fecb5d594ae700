"""row_verdict (dry runs: UserRow's validators called directly) finds exactly what validating
the UserRow model finds, for any cells."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.imports.rows import RowContext, RowPolicy, check_row, row_verdict

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
FLAGS = st.one_of(st.sampled_from(["TRUE", "FALSE", "true", " False ", "yes", "", "1"]), st.text())


@settings(max_examples=400, deadline=None)
@given(
    address=ADDRESSES,
    name=NAMES,
    password=PASSWORDS,
    flag=FLAGS,
    domains=st.sampled_from([(), ("example.com",), ("*.example.com", "company.com")]),
)
def test_the_verdict_is_the_models(
    address: str, name: str, password: str, flag: str, domains: tuple[str, ...]
) -> None:
    cells = (address, name, password, flag)
    by_model, directly = RowContext(RowPolicy(8, domains)), RowContext(RowPolicy(8, domains))

    checked = check_row(7, cells, by_model)
    verdict = row_verdict(7, cells, directly)

    assert verdict == (checked if isinstance(checked, list) else [])
    assert directly.address == by_model.address
