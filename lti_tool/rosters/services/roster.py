"""The course roster as facilitators read it: who is in the course, in what role, since when.

Read side only, scoped to the launch's course and refused to anyone but its facilitators. The
database counts, searches, sorts and pages (at most four statements whatever the size of the
course). Search and sort use the users' stored `search_key` folding (`User.name_key`,
`User.search_text`), so accents and case never depend on the database's collation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from lti_tool import errors
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.names import person_name, search_key
from lti_tool.people.models import MEMBER_ACTIVE, MEMBER_STATUSES, Membership, User
from lti_tool.rosters.models import RosterSync
from lti_tool.rosters.services.sync import sync_state

PER_PAGE = 50  # as the grades page: a screenful to scan, cheap to build at any course size


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
    """One page of the course's members with `status` ("all" for everyone), by name.

    Counted, filtered, sorted and cut by the database: the counts by status, the number matching
    a search (only when there is one), the page's rows, and the sync state. Four statements at
    most whatever the course's size, and only the page's members are read."""
    context_pk = require_facilitator_course(launch)
    in_course = Membership.context_id == context_pk
    never = and_(Membership.status == MEMBER_ACTIVE, Membership.last_launch_at.is_(None))
    counts = dict.fromkeys(MEMBER_STATUSES, 0)
    never_launched = 0
    for value, n, not_yet in session.execute(
        select(
            Membership.status,
            func.count(Membership.id),
            func.coalesce(func.sum(case((never, 1), else_=0)), 0),
        )
        .where(in_course)
        .group_by(Membership.status)
    ):
        if value in counts:
            counts[value] = int(n)
        never_launched += int(not_yet)
    filters: list[ColumnElement[bool]] = [in_course]
    if status in MEMBER_STATUSES:
        filters.append(Membership.status == status)
    needle = search_key(search.strip())
    if needle:
        filters.append(User.search_text.contains(needle, autoescape=True))
        total = session.scalar(
            select(func.count(Membership.id))
            .join(User, User.id == Membership.user_id)
            .where(*filters)
        )
    else:
        total = counts.get(status, 0) if status in MEMBER_STATUSES else sum(counts.values())
    total = int(total or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    query = (
        select(
            User.id,
            User.name,
            User.given_name,
            User.family_name,
            User.email,
            Membership.role,
            Membership.lti_roles,
            Membership.status,
            Membership.last_launch_at,
            Membership.roster_seen_at,
        )
        .join(User, User.id == Membership.user_id)
        .where(*filters)
        # Unnamed people last, as the page always listed them; then by the folded name.
        .order_by(case((User.name_key == "", 1), else_=0), User.name_key, User.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = [
        RosterRow(
            row.id,
            person_name(row.name, row.given_name, row.family_name),
            row.email,
            row.role,
            tuple(row.lti_roles or ()),
            row.status,
            row.last_launch_at,
            row.roster_seen_at,
        )
        for row in session.execute(query)
    ]
    return RosterPage(
        rows, total, counts, never_launched, page, pages, sync_state(session, context_pk)
    )
