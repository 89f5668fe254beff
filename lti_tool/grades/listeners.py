"""A completed module becomes a score in the outbox, and is tried at once after the commit.

Recording happens in the completing request's transaction (the `module_completed` signal). The
immediate delivery waits until that transaction has committed — the view commits before its
response exists — so an after-request hook tries the records this request wrote; whatever fails
stays pending for `flask grades deliver`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g

from lti_tool.extensions import db
from lti_tool.grades.models import ScoreRecord
from lti_tool.grades.services.delivery import deliver_after_commit, mark_reviewed, record_completion
from lti_tool.learning_modules.services.events import module_completed, module_reviewed


def _record_on_completion(sender: Any, **event: Any) -> None:
    record = record_completion(
        event["session"],
        event["launch"],
        event["module_slug"],
        label=event.get("module_title") or None,
        awaiting_review=event.get("awaiting_review", False),
    )
    _deliver_later(record)


def _record_on_review(sender: Any, **event: Any) -> None:
    launch = event["launch"]
    record = mark_reviewed(
        event["session"],
        platform_pk=launch.platform_pk,
        context_pk=launch.context_pk,
        user_pk=event["learner_pk"],
        module_slug=event["module_slug"],
    )
    _deliver_later(record)


def _deliver_later(record: ScoreRecord | None) -> None:
    if record is not None:
        g.setdefault("scores_to_deliver", []).append(record.id)


def _deliver_after_commit(response: Response) -> Response:
    for record_id in g.pop("scores_to_deliver", []):
        deliver_after_commit(db.session, db.session.get(ScoreRecord, record_id))
    return response


def init_app(app: Flask) -> None:
    module_completed.connect(_record_on_completion)
    module_reviewed.connect(_record_on_review)
    app.after_request(_deliver_after_commit)
