"""Feedback as a conversation (`/l/<launch_id>/modules/<slug>/feedback/<feedback_id>/…`).

- `POST …/reply` the learner answers a facilitator's feedback, or a facilitator answers the
  learner; the writer's side has then read the whole conversation;
- `POST …/read` marks what the other side wrote as read.

Only the learner whose reflection it is and the facilitators of that course: a mentor is refused
(403), anyone else finds nothing (404). Each answers with a 303 to the page the person came from:
the learner's module (its reflection step), the facilitator's review page of that version.
"""

from __future__ import annotations

from flask import redirect, request, url_for

from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch
from lti_tool.learning_modules.domain.progress import REFLECTION_STEP
from lti_tool.learning_modules.models import Feedback
from lti_tool.learning_modules.services import conversation
from lti_tool.learning_modules.views import blueprint

# The id of the message each outcome shows: the page opens on it (a focusable #fragment target
# receives focus; any other would take the focus away from it).
MESSAGES = {
    "replied": "reply-confirmation",
    "read": "read-confirmation",
    "reply_error": "error-summary",
}


def _back(slug: str, feedback: Feedback, **flag: str):
    anchor = MESSAGES[next(iter(flag))]
    if current_launch().is_facilitator:
        url = url_for(
            "learning_modules.review_version",
            slug=slug,
            version_id=feedback.reflection_version_id,
            _anchor=anchor,
            **flag,
        )
    else:
        url = url_for(
            "learning_modules.module",
            slug=slug,
            section=REFLECTION_STEP,
            _anchor=anchor,
            **flag,
        )
    return redirect(url, code=303)


@blueprint.post("/modules/<slug>/feedback/<int:feedback_id>/reply")
def reply_to_feedback(slug: str, feedback_id: int):
    launch = current_launch()
    feedback = conversation.party_feedback(db.session, launch, feedback_id, slug)
    try:
        conversation.reply(db.session, launch, feedback.id, request.form.get("reply", ""))
    except conversation.ReplyError:
        db.session.rollback()
        return _back(slug, feedback, reply_error="1")
    db.session.commit()
    return _back(slug, feedback, replied="1")


@blueprint.post("/modules/<slug>/feedback/<int:feedback_id>/read")
def mark_feedback_read(slug: str, feedback_id: int):
    launch = current_launch()
    feedback = conversation.party_feedback(db.session, launch, feedback_id, slug)
    conversation.mark_read(db.session, launch, feedback.id)
    db.session.commit()
    return _back(slug, feedback, read="1")
