"""Secrets from mounted files (container secrets): NAME_FILE names the file of setting NAME and
wins over the setting's own variable (an image's default DATABASE_URL, say)."""

from pathlib import Path

import pytest

from app.core.config import Settings


def test_settings_are_read_from_the_files_their_variables_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "DATABASE_URL_FILE": "postgresql+psycopg://app:s3cret@db:5432/userimport",
        "USERIMPORT_API_KEY_FILE": "uik_from_a_file",
        "USERIMPORT_METRICS_TOKEN_FILE": "scrape-token",
    }
    for variable, value in files.items():
        path = tmp_path / variable
        path.write_text(value + "\n", encoding="utf-8")
        monkeypatch.setenv(variable, str(path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/data/userimport.db")  # the image's default

    settings = Settings()

    assert settings.database_url == files["DATABASE_URL_FILE"]
    assert settings.api_key is not None and settings.metrics_token is not None
    assert settings.api_key.get_secret_value() == "uik_from_a_file"
    assert settings.metrics_token.get_secret_value() == "scrape-token"
