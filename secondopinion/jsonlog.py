"""One JSON object a line, for logs an operator's tools can read (the security log).

Loaded by LOGGING before the apps are ready, so it imports nothing from them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging


class JsonFormatter(logging.Formatter):
    """time, level, logger, event, then the record's ``fields`` (see cases/security.py).

    Tracebacks are left out on purpose: their messages can quote the data being saved.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        return json.dumps(entry, default=str, separators=(",", ":"))
