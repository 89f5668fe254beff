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
from lti_tool.learning_modules.services import conversation, progress
from lti_tool.learning_modules.services import review as review_service
from lti_tool.learning_modules.views import blueprint, modules, review

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


def _refused(slug: str, feedback: Feedback, typed: str, error: conversation.ReplyError):
    """The page the reply came from again, with the typed text kept and the reason (nothing sent)."""
    refused = (feedback.id, error.message, typed)
    module = modules.module_named(slug)
    if current_launch().is_facilitator:
        shared = review_service.shared_version(
            db.session, current_launch(), slug, feedback.reflection_version_id
        )
        return review.composer_page(module, shared, reply_error=refused), error.status
    state = progress.module_state(db.session, current_launch(), module)
    page = modules.player_page(module, state, REFLECTION_STEP, reply_error=refused)
    return page, error.status


@blueprint.post("/modules/<slug>/feedback/<int:feedback_id>/reply")
def reply_to_feedback(slug: str, feedback_id: int):
    launch = current_launch()
    feedback = conversation.party_feedback(db.session, launch, feedback_id, slug)
    typed = request.form.get("reply", "")
    try:
        conversation.reply(db.session, launch, feedback.id, typed)
    except conversation.ReplyError as error:
        db.session.rollback()
        return _refused(slug, feedback, typed, error)
    db.session.commit()
    return _back(slug, feedback, replied="1")


@blueprint.post("/modules/<slug>/feedback/<int:feedback_id>/read")
def mark_feedback_read(slug: str, feedback_id: int):
    launch = current_launch()
    feedback = conversation.party_feedback(db.session, launch, feedback_id, slug)
    conversation.mark_read(db.session, launch, feedback.id)
    db.session.commit()
    return _back(slug, feedback, read="1")
