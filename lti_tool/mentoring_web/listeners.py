"""The mentoring web's answer to other features' events: a milestone snapshot per completed module."""

from __future__ import annotations

from typing import Any

from lti_tool.learning_modules.services.events import module_completed
from lti_tool.mentoring_web.services.snapshots import take_milestone_snapshot


def _snapshot_on_completion(sender: Any, **event: Any) -> None:
    take_milestone_snapshot(event["session"], event["launch"], event["module_slug"])


def connect() -> None:
    module_completed.connect(_snapshot_on_completion)
