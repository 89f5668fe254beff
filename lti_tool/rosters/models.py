"""Where each course's roster sync stands: when it last ran, what it found, where to continue.

The people themselves are `lti.models.User` and `Membership` rows, shared with launches, so a
person is one row whether the roster or a launch told us first. One `RosterSync` per course
context remembers the NRPS URL (from the latest facilitator launch, so a scheduled sync needs no
launch), the `differences` URL the LMS offered for the next incremental sync, and the outcome.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.extensions import db
from lti_tool.people.models import Context


class RosterSync(db.Model):
    __tablename__ = "rs_roster_sync"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True
    )
    memberships_url: Mapped[str] = mapped_column(String(2048))
    differences_url: Mapped[str | None] = mapped_column(String(2048))
    synced_at: Mapped[datetime | None]  # the last sync that succeeded, full or incremental
    full_synced_at: Mapped[datetime | None]
    attempted_at: Mapped[datetime | None]  # the last attempt's start, successful or not
    running_since: Mapped[
        datetime | None
    ]  # a sync holds the course's lease (two workers, one sync)
    # A sync asked for (a facilitator's launch or "Sync now") and put on the queue; the worker's
    # lease (running_since, attempted_at) shows when it started.
    requested_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    last_kind: Mapped[str | None] = mapped_column(String(20))  # "full" or "differences"
    members_seen: Mapped[int] = mapped_column(Integer, default=0)  # in the last sync's answer
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)

    context: Mapped[Context] = relationship()
