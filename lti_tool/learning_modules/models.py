"""A learner's progress through a mini-module and their reflections, per (user, course context).

`ModuleProgress` records which sections were seen and when the module was completed. A
`Reflection` holds the working draft for one prompt and who may see it; each submission freezes a
`ReflectionVersion` (1, 2, …) that is never changed afterwards, so feedback always refers to the
text it was given on. The same learner in two courses has separate rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import utcnow
from lti_tool.extensions import db

PRIVATE = "private"
FACILITATOR = "facilitator"
VISIBILITIES = (PRIVATE, FACILITATOR)


class ModuleProgress(db.Model):
    __tablename__ = "lm_module_progress"
    __table_args__ = (UniqueConstraint("user_id", "context_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), index=True
    )
    module_slug: Mapped[str] = mapped_column(String(80))
    sections_seen: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None]


class Reflection(db.Model):
    __tablename__ = "lm_reflection"
    __table_args__ = (
        UniqueConstraint("user_id", "context_id", "module_slug", "prompt_id"),
        # The review queue reads one module's shared reflections of one course.
        Index("ix_lm_reflection_context_id_module_slug", "context_id", "module_slug", "visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), index=True
    )
    module_slug: Mapped[str] = mapped_column(String(80))
    prompt_id: Mapped[str] = mapped_column(String(80))
    draft_html: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default=PRIVATE)
    # Separate from `visibility`: a learner may share with their mentors (the people the LMS names
    # in role_scope_mentor) and not with the facilitators, keeping mentoring apart from appraisal.
    shared_with_mentors: Mapped[bool] = mapped_column(default=False, server_default=false())
    link_url: Mapped[str | None] = mapped_column(String(2000))  # optional https link
    # Counts the draft's changes (text, visibility, link, file): a page loaded at an older revision
    # is stale, so its save cannot silently undo what another tab saved (progress.save_page).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    versions: Mapped[list[ReflectionVersion]] = relationship(
        back_populates="reflection",
        cascade="all, delete-orphan",
        order_by="ReflectionVersion.number.desc()",
    )


class ReflectionVersion(db.Model):
    """A submitted answer, frozen: never updated once written."""

    __tablename__ = "lm_reflection_version"
    __table_args__ = (UniqueConstraint("reflection_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("lm_reflection.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    html: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(20))
    shared_with_mentors: Mapped[bool] = mapped_column(default=False, server_default=false())
    link_url: Mapped[str | None] = mapped_column(String(2000))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    reflection: Mapped[Reflection] = relationship(back_populates="versions")


class ReflectionFile(db.Model):
    """A file uploaded with a reflection: the draft's while `version_number` is None, then frozen
    with the version it was submitted in. Stored under the upload folder as `stored_name`, a random
    token; the original name is kept for display only. The type was sniffed from the bytes."""

    __tablename__ = "lm_reflection_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("lm_reflection.id", ondelete="CASCADE"), index=True
    )
    version_number: Mapped[int | None] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    mime: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    reflection: Mapped[Reflection] = relationship()


class ModuleAssignment(db.Model):
    """A module a facilitator assigned in one course: required or optional, with a soft due date.

    One row per (course context, module); learners see assigned modules first (`domain.assignment`).
    """

    __tablename__ = "lm_module_assignment"
    __table_args__ = (UniqueConstraint("context_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), index=True
    )
    module_slug: Mapped[str] = mapped_column(String(80))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    due_on: Mapped[date | None]
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_user.id", ondelete="SET NULL")
    )


class Feedback(db.Model):
    """A facilitator's growth-oriented feedback on one submitted version (M14's structure: a
    strength noticed, a question, a next step). Written once; the version is then *reviewed*
    (`reviewed_at`). Text is sanitised with the reflections' allow-list before it is stored."""

    __tablename__ = "lm_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_version_id: Mapped[int] = mapped_column(
        ForeignKey("lm_reflection_version.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_user.id", ondelete="SET NULL")
    )
    strength: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the learner marked it read (None: new to them; the course home and the module show it).
    learner_read_at: Mapped[datetime | None]


class FeedbackReply(db.Model):
    """One message after a feedback, in the conversation between its learner and the course's
    facilitators (M14: the learner may answer). `from_learner` tells the two sides apart;
    `read_at` is when the other side marked it read (any facilitator of the course, for a
    learner's message). Text is sanitised like a reflection's."""

    __tablename__ = "lm_feedback_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("lm_feedback.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_user.id", ondelete="SET NULL")
    )
    from_learner: Mapped[bool] = mapped_column(Boolean)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
