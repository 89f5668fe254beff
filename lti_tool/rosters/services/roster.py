"""The course roster as facilitators read it: who is in the course, in what role, since when.

Read side only, scoped to the launch's course and refused to anyone but its facilitators. Two
queries whatever the size of the course (the members with their users, the sync state); search
and paging run on those rows, so accents and case never depend on the database's collation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool import errors
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.names import search_key
from lti_tool.people.models import MEMBER_ACTIVE, MEMBER_STATUSES, Membership, User
from lti_tool.rosters.models import RosterSync
from lti_tool.rosters.services.sync import sync_state

PER_PAGE = 100


@dataclass(frozen=True)
class RosterRow:
    user_id: int
    name: str
    email: str | None
    role: str
    lti_roles: tuple[str, ...]
    status: str
    last_launch_at: datetime | None
    roster_seen_at: datetime | None


@dataclass(frozen=True)
class RosterPage:
    rows: list[RosterRow]
    total: int  # members matching the filters
    counts: dict[str, int]  # members by status, whatever the filters
    never_launched: int  # active members who never opened the tool
    page: int
    pages: int
    sync: RosterSync | None


def require_facilitator_course(launch: LaunchContext) -> int:
    return errors.require_facilitator(
        launch, _l("Only this course's facilitators can see its roster.")
    )


def roster_page(
    session: Session,
    launch: LaunchContext,
    *,
    status: str = MEMBER_ACTIVE,
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> RosterPage:
    """One page of the course's members with `status` ("all" for everyone), by name."""
    context_pk = require_facilitator_course(launch)
    rows = [
        RosterRow(
            user.id,
            user.display_name,
            user.email,
            membership.role,
            tuple(membership.lti_roles or ()),
            membership.status,
            membership.last_launch_at,
            membership.roster_seen_at,
        )
        for membership, user in session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.context_id == context_pk)
        )
    ]
    counts = {value: sum(row.status == value for row in rows) for value in MEMBER_STATUSES}
    never = sum(row.status == MEMBER_ACTIVE and row.last_launch_at is None for row in rows)
    if status in MEMBER_STATUSES:
        rows = [row for row in rows if row.status == status]
    needle = search_key(search.strip())
    if needle:
        rows = [row for row in rows if needle in search_key(f"{row.name} {row.email or ''}")]
    rows.sort(key=lambda row: (search_key(row.name) or "\uffff", row.user_id))
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), pages)
    chunk = rows[(page - 1) * per_page : page * per_page]
    return RosterPage(chunk, len(rows), counts, never, page, pages, sync_state(session, context_pk))
