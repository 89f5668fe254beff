"""Structured (JSON-lines) logs that carry LTI ids and never a launch payload or a key.

Call sites pass identifiers through `extra=`; only the whitelisted fields below are emitted, so an
accidental `extra={"id_token": ...}` never reaches the log.
"""

from __future__ import annotations

import json
import logging
import sys
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
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    package_logger = logging.getLogger("lti_tool")
    package_logger.handlers[:] = [handler]
    package_logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    package_logger.propagate = False
