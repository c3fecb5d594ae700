"""Write the app's OpenAPI document to openapi/openapi.json (`make openapi`)."""

import json
import sys
from pathlib import Path

from app.main import create_app

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def render() -> str:
    return json.dumps(create_app().openapi(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    SPEC_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {SPEC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
