"""Feedback as a conversation: the learner reads a facilitator's feedback, answers it, and each
side marks the other's messages read.

Only two parties ever see a conversation: the learner whose reflection it is, and the facilitators
of that course. Anyone else (another learner, a mentor, a facilitator of another course) gets
"not found" for a feedback id, exactly as for one that does not exist; a mentor is refused (403)
before any lookup, since mentors never take part. Services flush; views commit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.errors import ForbiddenError, NotFoundError
from lti_tool.learning_modules.models import (
    FACILITATOR,
    Feedback,
    FeedbackReply,
    Reflection,
    ReflectionVersion,
)
from lti_tool.learning_modules.services.progress import (
    UnprocessableError,
    require_course,
    sanitise_answer,
)
from lti_tool.learning_modules.services.review import learner_name_of
from lti_tool.limits import limit
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.roles import ToolRole
from lti_tool.people.models import User


class ReplyError(UnprocessableError):
    code = "invalid-reply"


@dataclass(frozen=True)
class Thread:
    """One feedback and the messages after it, oldest first."""

    feedback: Feedback
    replies: list[FeedbackReply]
    unread: bool  # for the person reading: something from the other side is not marked read


@dataclass(frozen=True)
class NewForLearner:
    module_slug: str
    prompt_id: str
    feedback_id: int
    at: datetime


@dataclass(frozen=True)
class NewReply:
    module_slug: str
    version_id: int
    learner_name: str
    at: datetime


def _refuse_mentor(launch: LaunchContext) -> int:
    context_pk = require_course(launch)
    if launch.role is ToolRole.MENTOR:
        raise ForbiddenError(
            _l("Feedback is between a learner and the course's facilitators."),
            code="not-in-conversation",
        )
    return context_pk


def _not_found() -> NotFoundError:
    return NotFoundError(_l("There is no feedback at this address."), code="feedback-not-found")


def party_feedback(
    session: Session, launch: LaunchContext, feedback_id: int, module_slug: str | None = None
) -> Feedback:
    """The feedback, if this launch is its learner or a facilitator of its course (and, when
    given, it is on `module_slug`); else 404."""
    context_pk = _refuse_mentor(launch)
    query = (
        select(Feedback)
        .join(ReflectionVersion, Feedback.reflection_version_id == ReflectionVersion.id)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .where(Feedback.id == feedback_id, Reflection.context_id == context_pk)
    )
    if module_slug is not None:
        query = query.where(Reflection.module_slug == module_slug)
    if launch.is_facilitator:
        query = query.where(ReflectionVersion.visibility == FACILITATOR)
    else:
        query = query.where(Reflection.user_id == launch.user_pk)
    found: Feedback | None = session.scalar(query)
    if found is None:
        raise _not_found()
    return found


def reply(session: Session, launch: LaunchContext, feedback_id: int, text: str) -> FeedbackReply:
    """Add a message to the conversation (sanitised); the writer's side has now read it all."""
    feedback = party_feedback(session, launch, feedback_id)
    html = sanitise_answer(text or "")
    if not html:
        raise ReplyError(_l("Write your reply before you send it."))
    most = limit("FEEDBACK_MAX_CHARS")
    if len(html) > most:
        raise ReplyError(
            _l("Your reply is longer than %(limit)d characters. Shorten it.", limit=most)
        )
    mark_read(session, launch, feedback.id)
    message = FeedbackReply(
        feedback_id=feedback.id,
        author_user_id=launch.user_pk,
        from_learner=not launch.is_facilitator,
        html=html,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def mark_read(session: Session, launch: LaunchContext, feedback_id: int) -> None:
    """Mark what the other side wrote in this conversation as read by this side."""
    feedback = party_feedback(session, launch, feedback_id)
    now = utcnow()
    if not launch.is_facilitator and feedback.learner_read_at is None:
        feedback.learner_read_at = now
    session.execute(
        update(FeedbackReply)
        .where(
            FeedbackReply.feedback_id == feedback.id,
            FeedbackReply.from_learner.is_(launch.is_facilitator),
            FeedbackReply.read_at.is_(None),
        )
        .values(read_at=now)
    )
    session.flush()


def threads(session: Session, feedback: list[Feedback], *, for_learner: bool) -> dict[int, Thread]:
    """The conversation after each of `feedback` (already authorised by its caller), by feedback
    id, with whether it holds something unread for the reader's side. One query."""
    ids = [item.id for item in feedback]
    replies: dict[int, list[FeedbackReply]] = {i: [] for i in ids}
    if ids:
        for message in session.scalars(
            select(FeedbackReply)
            .where(FeedbackReply.feedback_id.in_(ids))
            .order_by(FeedbackReply.created_at, FeedbackReply.id)
        ):
            replies[message.feedback_id].append(message)
    found = {}
    for item in feedback:
        from_other = [m for m in replies[item.id] if m.from_learner is not for_learner]
        unread = any(m.read_at is None for m in from_other)
        if for_learner and item.learner_read_at is None:
            unread = True
        found[item.id] = Thread(item, replies[item.id], unread)
    return found


# Table columns, not ORM attributes: a statement over mapped attributes goes through the
# ORM's compile and result setup on every execution, which a plain row does not need.
_replies = FeedbackReply.__table__
_feedback = Feedback.__table__
_reflections = Reflection.__table__
_versions = ReflectionVersion.__table__
_users = User.__table__
_UNREAD_REPLY = (
    select(func.max(_replies.c.created_at))
    .where(
        _replies.c.feedback_id == _feedback.c.id,
        _replies.c.from_learner.is_(False),
        _replies.c.read_at.is_(None),
    )
    .scalar_subquery()
)
# Built once: the course home asks on every learner's visit.
_NEW_FOR_LEARNER = (
    select(
        _reflections.c.module_slug,
        _reflections.c.prompt_id,
        _feedback.c.id,
        func.coalesce(_UNREAD_REPLY, _feedback.c.created_at),
    )
    .join(_versions, _feedback.c.reflection_version_id == _versions.c.id)
    .join(_reflections, _versions.c.reflection_id == _reflections.c.id)
    .where(
        _reflections.c.user_id == bindparam("user_pk"),
        _reflections.c.context_id == bindparam("context_pk"),
        or_(_feedback.c.learner_read_at.is_(None), _UNREAD_REPLY.is_not(None)),
    )
)


def new_for_learner(session: Session, launch: LaunchContext) -> list[NewForLearner]:
    """Feedback in this course that holds something this learner has not read: the feedback
    itself, or a facilitator's reply. Newest first; one query."""
    rows = session.execute(
        _NEW_FOR_LEARNER, {"user_pk": launch.user_pk, "context_pk": require_course(launch)}
    ).all()
    found = [NewForLearner(slug, prompt, feedback_id, at) for slug, prompt, feedback_id, at in rows]
    return sorted(found, key=lambda item: (item.at, item.feedback_id), reverse=True)


# Built once: every facilitator's course home asks (the names only: no User objects loaded).
_NEW_REPLIES = (
    select(
        _reflections.c.module_slug,
        _versions.c.id,
        _users.c.name,
        _users.c.given_name,
        _users.c.family_name,
        func.max(_replies.c.created_at),
    )
    .join(_feedback, _replies.c.feedback_id == _feedback.c.id)
    .join(_versions, _feedback.c.reflection_version_id == _versions.c.id)
    .join(_reflections, _versions.c.reflection_id == _reflections.c.id)
    .join(_users, _users.c.id == _reflections.c.user_id)
    .where(
        _reflections.c.context_id == bindparam("context_pk"),
        _versions.c.visibility == FACILITATOR,
        _replies.c.from_learner.is_(True),
        _replies.c.read_at.is_(None),
    )
    .group_by(_reflections.c.module_slug, _versions.c.id, _users.c.id)
)
_NEW_REPLIES_IN_MODULE = _NEW_REPLIES.where(_reflections.c.module_slug == bindparam("module_slug"))


def new_replies_for_facilitator(
    session: Session, launch: LaunchContext, module_slug: str | None = None
) -> list[NewReply]:
    """Learners' replies in this course no facilitator has marked read yet, newest first, one
    per conversation (optionally in one module). One query; facilitators only."""
    context_pk = require_course(launch)
    if not launch.is_facilitator:
        raise ForbiddenError(_l("Only a facilitator of this course can read learners' replies."))
    query = _NEW_REPLIES
    params: dict[str, object] = {"context_pk": context_pk}
    if module_slug is not None:
        query, params["module_slug"] = _NEW_REPLIES_IN_MODULE, module_slug
    found = [
        NewReply(slug, version_id, learner_name_of(name, given, family), at)
        for slug, version_id, name, given, family, at in session.execute(query, params).all()
    ]
    return sorted(found, key=lambda item: (item.at, item.version_id), reverse=True)


def versions_with_new_replies(
    session: Session, launch: LaunchContext, version_ids: Collection[int]
) -> set[int]:
    """Which of `version_ids` (a page of the review queue) have a learner's reply no facilitator
    has marked read yet, in this course. One query over those versions only; facilitators only."""
    context_pk = require_course(launch)
    if not launch.is_facilitator:
        raise ForbiddenError(_l("Only a facilitator of this course can read learners' replies."))
    if not version_ids:
        return set()
    query = (
        select(ReflectionVersion.id)
        .join(Feedback, Feedback.reflection_version_id == ReflectionVersion.id)
        .join(FeedbackReply, FeedbackReply.feedback_id == Feedback.id)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .where(
            ReflectionVersion.id.in_(sorted(version_ids)),
            Reflection.context_id == context_pk,
            ReflectionVersion.visibility == FACILITATOR,
            FeedbackReply.from_learner.is_(True),
            FeedbackReply.read_at.is_(None),
        )
        .distinct()
    )
    return set(session.scalars(query))
