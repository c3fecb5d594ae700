"""Settings read from files named by environment variables (mounted container secrets): the file,
named explicitly, wins over the setting's own variable (an image's default DATABASE_URL, say).
The staging key has USERIMPORT_STAGING_KEY_FILE of its own."""

import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices
from pydantic.fields import FieldInfo
from pydantic_settings import (
    PydanticBaseSettingsSource,
)

# Settings that may be read from a file named by an environment variable (container secrets);
# the file, named explicitly, wins over the setting's own variable (an image's default
# DATABASE_URL, say). The staging key has USERIMPORT_STAGING_KEY_FILE of its own.
SECRET_FILES = {
    "database_url": "DATABASE_URL_FILE",
    "api_key": "USERIMPORT_API_KEY_FILE",
    "metrics_token": "USERIMPORT_METRICS_TOKEN_FILE",
    "app_database_url": "USERIMPORT_APP_DATABASE_URL_FILE",
}


class SecretFiles(PydanticBaseSettingsSource):
    """Each SECRET_FILES setting from the file its variable names (stripped of line ends)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        variable = SECRET_FILES.get(field_name)
        path = os.environ.get(variable) if variable else None
        if not path:
            return None, field_name, False
        return Path(path).read_text(encoding="utf-8").strip(), field_name, False

    def __call__(self) -> dict[str, Any]:
        values = {}
        for name, field in self.settings_cls.model_fields.items():
            value, _, _ = self.get_field_value(field, name)
            if value is not None:
                # Under the name the environment's own value has, so this one replaces it.
                alias = field.validation_alias
                key = alias.choices[0] if isinstance(alias, AliasChoices) else name
                values[str(key)] = value
        return values
