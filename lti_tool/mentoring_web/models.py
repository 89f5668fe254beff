"""A person's mentoring web in one course context: the centre card, the strands, the snapshots.

One `WebOwner` per (user, context): a learner in two courses has two separate webs. Strand labels
are private to their author (they may name colleagues who never consented, never students) and
appear in no facilitator view or export unless the owner shares the web.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.people.models import Context, User


class WebOwner(db.Model):
    __tablename__ = "mw_web_owner"
    __table_args__ = (UniqueConstraint("user_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), index=True
    )
    board_role: Mapped[str | None] = mapped_column(String(60))
    years_in_role: Mapped[str | None] = mapped_column(String(20))
    strengths: Mapped[list[str]] = mapped_column(JSON, default=list)
    quiet_victories: Mapped[list[str]] = mapped_column(JSON, default=list)
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    shared_with_facilitators: Mapped[bool] = mapped_column(default=False)
    # The mentors the LMS names for this person (role_scope_mentor) may see the web too.
    shared_with_mentors: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    context: Mapped[Context] = relationship()
    strands: Mapped[list[Strand]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", order_by="Strand.id"
    )


class Strand(db.Model):
    __tablename__ = "mw_strand"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("mw_web_owner.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    board_role: Mapped[str] = mapped_column(String(60))
    location: Mapped[str] = mapped_column(String(30))
    model: Mapped[str] = mapped_column(String(30))
    supports: Mapped[list[str]] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(20))
    strength: Mapped[int | None] = mapped_column(Integer)
    strength_note: Mapped[str] = mapped_column(String(200), default="")
    i_offer: Mapped[str] = mapped_column(String(200), default="")
    stance: Mapped[str | None] = mapped_column(String(20))
    formality: Mapped[str | None] = mapped_column(String(20))
    next_step: Mapped[str] = mapped_column(String(200), default="")
    next_check_in: Mapped[date | None]
    last_contact_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[WebOwner] = relationship(back_populates="strands")


class WebSnapshot(db.Model):
    """An immutable copy of the web and its score, taken on request or at a module milestone."""

    __tablename__ = "mw_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("mw_web_owner.id", ondelete="CASCADE"), index=True
    )
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(60))  # "requested" or "module:<slug>"
    web: Mapped[dict[str, Any]] = mapped_column(JSON)  # domain.web_to_json at that moment
    total: Mapped[int]
    band: Mapped[str] = mapped_column(String(20))

    owner: Mapped[WebOwner] = relationship()


class CohortPublication(db.Model):
    """A course's cohort figures as last published: what the learners' webs were then, with every
    word taken out (`insights.published_cohort`). One learner's change cannot move the figures on
    its own: they are republished at most once a period, and only once at least k webs changed."""

    __tablename__ = "mw_cohort_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    # [{"owner_id": 3, "fingerprint": "…", "web": <web_to_json with labels as s1, s2… and no text>}]
    learners: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
