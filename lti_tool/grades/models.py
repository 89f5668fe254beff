"""The grade outbox: one row per (platform, course, learner, module), delivered to the LMS with retries.

A score is written here in the request that earned it, and only then sent, so a gradebook that is
down, or a learner who has closed the tab, loses nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.people.models import User


class ScoreRecord(db.Model):
    __tablename__ = "grade_score_record"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", "user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    user_sub: Mapped[str] = mapped_column(String(255))
    module_slug: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(255))  # the line item label if we create one
    resource_link_id: Mapped[str | None] = mapped_column(String(255))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)  # AGS scopes the launch granted
    lineitems_url: Mapped[str | None] = mapped_column(String(1024))
    lineitem_url: Mapped[str | None] = mapped_column(String(1024))  # found or created at delivery
    score_given: Mapped[float]
    score_maximum: Mapped[float]
    activity_progress: Mapped[str] = mapped_column(String(20), default="Completed")
    grading_progress: Mapped[str] = mapped_column(String(20), default="FullyGraded")
    timestamp: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))  # status and reason, never a token
    # A worker that is sending this record holds it until `claimed_until`; one killed mid-call
    # lets the claim lapse, and the record is tried again, never by two workers at once.
    claimed_until: Mapped[datetime | None]
    # When a job for this record was put on the queue, cleared when a job has tried it. A record
    # still queued long after (its job lost: a worker killed, the queue down) is queued again by
    # the sweep; one queued recently is left to its job, so the sweep never piles up duplicates.
    queued_at: Mapped[datetime | None]
    # Bumped each time the score is recorded again, so a send of an older revision never marks a
    # newer one delivered.
    revision: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ScoreRecord {self.id} {self.module_slug} {self.status}>"


class ModuleLineItem(db.Model):
    """The gradebook column of one module in one course: the only place its scores may go.

    Filled from the module's own deep-linked launch (its `lineitem` claim), or found on the LMS by
    `resourceId`, or created once. `creating_until` is the claim of the worker creating the column,
    so two learners' first scores never make two columns.
    """

    __tablename__ = "grade_module_line_item"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    lineitem_url: Mapped[str | None] = mapped_column(String(1024))
    creating_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
