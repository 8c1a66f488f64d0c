"""Logging: warnings to the console, and the security log as JSON lines."""

from typing import Any


def logging_config(security_log_file: str, *, debug: bool) -> dict[str, Any]:
    """The security log (cases/security.py) goes to ``security_log_file``, or stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "secondopinion.jsonlog.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler"},
            "security": (
                {"class": "logging.handlers.WatchedFileHandler", "filename": security_log_file}
                if security_log_file
                else {"class": "logging.StreamHandler"}
            )
            | {"formatter": "json"},
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            # Request lines carry only opaque ids, never health data, but keep them out of
            # production logs anyway: the web server logs access already.
            "django.server": {"handlers": ["console"], "level": "INFO" if debug else "WARNING"},
            "secondopinion.security": {
                "handlers": ["security"],
                "level": "INFO",
                "propagate": False,
            },
        },
    }
