"""Write the models' text maxima and the case limits into the export's JSON Schema.

    .venv/bin/python scripts/export_schema.py          # rewrite the schema in place
    .venv/bin/python scripts/export_schema.py --check  # exit 1 if it is out of date

The sizes live in cases/models/fields.py and the limits in cases/limits.py; the schema
is the import's first line of defence, so it must say the same (tests/test_bounds.py
checks it). Only ``maxLength`` and ``maxItems`` are touched: the rest is written by hand.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondopinion.settings")


def bounded_schema() -> dict:
    from django.db import models

    from cases import limits
    from cases.services import portable

    schema = json.loads(portable.SCHEMA_PATH.read_text(encoding="utf-8"))
    properties, defs = schema["properties"], schema["$defs"]
    for part, node in portable.schema_nodes(schema).items():
        for field in part.fields:
            if getattr(field, "max_length", None) and not isinstance(field, models.UUIDField):
                node["properties"][field.name]["maxLength"] = field.max_length
    # The lists an import creates hold no more than the app lets a case hold.
    properties["medications"]["maxItems"] = limits.DEFAULTS["medications"]
    properties["opinions"]["maxItems"] = limits.DEFAULTS["opinions"]
    properties["files"]["maxItems"] = limits.DEFAULTS["files"]
    for name in portable.OPINION_LISTS:
        defs["opinion"]["properties"][name]["maxItems"] = limits.DEFAULTS[name]
    return schema


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    import django

    django.setup()
    from cases.services import portable

    text = render(bounded_schema())
    if "--check" in sys.argv:
        if portable.SCHEMA_PATH.read_text(encoding="utf-8") != text:
            print("The schema is out of date: run scripts/export_schema.py", file=sys.stderr)
            return 1
        return 0
    portable.SCHEMA_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
