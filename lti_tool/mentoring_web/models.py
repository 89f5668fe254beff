"""A person's mentoring web in one course context: the centre card, the strands, the snapshots.

One `WebOwner` per (user, context): a learner in two courses has two separate webs. Strand labels
are private to their author (they may name colleagues who never consented, never students) and
appear in no facilitator view or export unless the owner shares the web.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, false
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
    """A course's cohort figures as last published: the counts behind every figure, made from the
    learners' webs then with every word taken out (`insights.published_cohort`). One learner's
    change cannot move the figures on its own: they are republished at most once a period, and
    only once at least k webs changed. Each learner's part is a `CohortLearner` row."""

    __tablename__ = "mw_cohort_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    learner_count: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)  # domain.cohort.counts_to_json
    # The change since each learner's very first snapshot (the page without `since`), added up
    # when published: domain.cohort_change.change_counts_to_json.
    change_counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class CohortLearner(db.Model):
    """One learner's web in the course's cohort publication, as numbers only.

    - `published_fingerprint` and the score facts are the web as published (None: not in the
      publication yet), the facts being what the change figures add up in SQL;
    - `checked_fingerprint` is the web as last checked (None: no longer a learner with a web),
      and the `sig_*` columns what the database said of it then (its row, its strands', its
      snapshots' count): a web whose signature has not moved is not read again, so checking a
      course for changes reads the webs that changed, not every web.
    """

    __tablename__ = "mw_cohort_learner"
    __table_args__ = (UniqueConstraint("context_id", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(Integer)  # a WebOwner's id; kept if the web goes
    published_fingerprint: Mapped[str | None] = mapped_column(String(64))
    checked_fingerprint: Mapped[str | None] = mapped_column(String(64))
    sig_owner_at: Mapped[datetime | None]
    sig_strands: Mapped[int | None] = mapped_column(Integer)
    sig_strand_ids: Mapped[int | None] = mapped_column(BigInteger)
    sig_strand_at: Mapped[datetime | None]
    sig_snapshots: Mapped[int | None] = mapped_column(Integer)
    active_strands: Mapped[int] = mapped_column(Integer, default=0)
    reciprocal_strands: Mapped[int] = mapped_column(Integer, default=0)
    strong_web: Mapped[bool] = mapped_column(default=False)
    role_families: Mapped[int] = mapped_column(Integer, default=0)  # a bit per RoleFamily


class CohortSnapshot(db.Model):
    """A snapshot of a published learner, taken before the publication, as score facts only: the
    change figures pick each learner's first one (on or after a day) and add them up in SQL."""

    __tablename__ = "mw_cohort_snapshot"
    __table_args__ = (
        Index("ix_mw_cohort_snapshot_context_id_owner_id", "context_id", "owner_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime]
    active_strands: Mapped[int] = mapped_column(Integer)
    reciprocal_strands: Mapped[int] = mapped_column(Integer)
    strong_web: Mapped[bool]
    role_families: Mapped[int] = mapped_column(Integer)  # a bit per RoleFamily
