"""Structured (JSON-lines) logs that carry ids and never what a person wrote, names, emails,
tokens, nonces or login state.

Call sites pass identifiers through `extra=`; only the whitelisted fields below are emitted, so an
accidental `extra={"id_token": ...}` never reaches the log. An exception is logged as its type and
its stack of code lines, never its message: a database error's message holds the statement and
(without `hide_parameters`) the values bound to it, a reflection's text among them. Every handler
of the process (Flask's, SQLAlchemy's, pylti1p3's) goes through the same formatter.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

LOGGED_FIELDS = (
    "event",
    "error_code",
    "status",
    "iss",
    "client_id",
    "deployment_id",
    "context_id",
    "resource_link_id",
    "message_type",
    "sub",
    "launch_id",
    "kid",
    "role",
    "context_pk",
    "record_id",
    "kind",
    "pages",
    "members",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in LOGGED_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if has_request_context():
            entry["path"] = request.path
            entry["method"] = request.method
            launch = g.get("launch")
            if launch is not None and "launch_id" not in entry:
                entry["launch_id"] = launch.launch_id
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            entry["exception_type"] = f"{kind.__module__}.{kind.__qualname__}"
            entry["traceback"] = "".join(traceback.format_tb(trace))
        return json.dumps(entry, ensure_ascii=False)


def configure(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    package_logger = logging.getLogger("lti_tool")
    package_logger.handlers[:] = [handler]
    package_logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    package_logger.propagate = False
    # Libraries log through the root logger: the same formatter, so their exceptions lose their
    # messages too. (Flask's own error log is the app's logger, "lti_tool", above.)
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        library_handler = logging.StreamHandler(sys.stderr)
        library_handler.setFormatter(JsonFormatter())
        library_handler.setLevel(logging.WARNING)
        root.addHandler(library_handler)
