"""`scim2 test` (scim2-cli running scim2-tester's checks) with one change: the userName it
generates is an address, as this service requires of userName (the tester draws random
strings, which the service refuses as `invalidValue`). Run as
`python -m tests.scim.scim2_test_cli --url URL test`, the key in SCIM_CLI_HEADERS."""

import sys
import uuid
from typing import Any

import scim2_tester.checkers.patch_add
import scim2_tester.checkers.patch_replace
import scim2_tester.filling
from scim2_cli import cli

_generate = scim2_tester.filling.generate_random_value


def _generate_address_as_user_name(context: Any, path: Any, *args: Any, **kwargs: Any) -> Any:
    value = _generate(context, path, *args, **kwargs)
    if value is not None and str(path).endswith("userName"):
        return f"{uuid.uuid4().hex[:16]}@example.com"
    return value


for _module in (
    scim2_tester.filling,
    scim2_tester.checkers.patch_add,
    scim2_tester.checkers.patch_replace,
):
    _module.generate_random_value = _generate_address_as_user_name  # type: ignore[attr-defined]

if __name__ == "__main__":
    sys.exit(cli())
