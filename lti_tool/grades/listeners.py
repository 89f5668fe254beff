"""A completed (or reviewed) module becomes a score in the outbox, and a job once it is committed.

Recording happens in the completing request's transaction (the `module_completed` signal). The job
is queued after that transaction has committed — the view commits before its response exists — by
an after-request hook, so the worker always finds the row. The request never waits on the LMS; if
the queue is unreachable the row stays for the sweep.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g

from lti_tool.grades.jobs import queue_deliveries
from lti_tool.grades.models import ScoreRecord
from lti_tool.grades.services.delivery import mark_reviewed, record_completion
from lti_tool.learning_modules.services.events import module_completed, module_reviewed


def _record_on_completion(sender: Any, **event: Any) -> None:
    record = record_completion(
        event["session"],
        event["launch"],
        event["module_slug"],
        label=event.get("module_title") or None,
        awaiting_review=event.get("awaiting_review", False),
    )
    _queue_after_commit(record)


def _record_on_review(sender: Any, **event: Any) -> None:
    launch = event["launch"]
    record = mark_reviewed(
        event["session"],
        platform_pk=launch.platform_pk,
        context_pk=launch.context_pk,
        user_pk=event["learner_pk"],
        module_slug=event["module_slug"],
    )
    _queue_after_commit(record)


def _queue_after_commit(record: ScoreRecord | None) -> None:
    if record is not None:
        g.setdefault("scores_to_deliver", []).append(record.id)


def _queue_deliveries(response: Response) -> Response:
    record_ids = g.pop("scores_to_deliver", [])
    if record_ids:  # a job for a record that was rolled back finds nothing to send
        queue_deliveries(record_ids)
    return response


def init_app(app: Flask) -> None:
    module_completed.connect(_record_on_completion)
    module_reviewed.connect(_record_on_review)
    app.after_request(_queue_deliveries)
