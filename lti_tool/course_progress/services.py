"""Load one course's progress grid in a fixed number of queries, for exactly the people a launch
may follow.

- A facilitator follows the course's learners (membership role `learner`, any roster status: the
  page filters by it).
- A mentor follows the mentees their launch's `role_scope_mentor` names (`people.services`), nobody
  else; an empty scope shows nobody.
- Anyone else is refused (`ForbiddenError`), as is a launch without a course.

Whatever the number of learners, the page costs the same statements: members with their user
(one), the course's assignments (one, through `learning_modules.services.assignments`), and through
`learning_modules.services.course_queries`: progress rows in the assigned modules (one), each
learner's latest activity in any module (one aggregate), and when each prompt's latest version got
feedback (one aggregate); a mentor's scope adds one. Every query
is limited to this launch's course and to the people in scope, so another course's rows are never
read. Read-only: nothing here writes or flushes. The rules live in `domain`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVarTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, Select, SQLColumnExpression, select
from sqlalchemy.orm import Session

from lti_tool import errors
from lti_tool.course_progress.domain.grid import (
    NO_FEEDBACK,
    Column,
    LearnerFacts,
    LearnerRow,
    ModuleFacts,
    build_rows,
)
from lti_tool.db import utcnow
from lti_tool.errors import ForbiddenError
from lti_tool.learning_modules.domain.modules import Catalogue
from lti_tool.learning_modules.services import assignments, course_queries
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.names import person_name
from lti_tool.lti.roles import ToolRole
from lti_tool.people.models import Context, Membership, User
from lti_tool.people.services import is_mentor, mentee_user_pks

COURSE, MENTEES = "course", "mentees"  # whose progress the grid shows


@dataclass(frozen=True)
class CourseProgress:
    audience: str  # COURSE for a facilitator, MENTEES for a mentor
    columns: tuple[Column, ...]
    rows: tuple[LearnerRow, ...]


@dataclass(frozen=True)
class _Scope:
    course: int
    audience: str
    mentees: frozenset[int] = frozenset()

    def users(self, column: SQLColumnExpression[int]) -> ColumnElement[bool]:
        """`column` (a user id) is someone this launch may follow in this course."""
        if self.audience == MENTEES:
            return column.in_(sorted(self.mentees))
        learners = select(Membership.user_id).where(
            Membership.context_id == self.course, Membership.role == ToolRole.LEARNER.value
        )
        return column.in_(learners.scalar_subquery())


def _course(launch: LaunchContext) -> int:
    return errors.require_course(launch)


def _scope(session: Session, launch: LaunchContext) -> _Scope:
    course = _course(launch)
    if launch.is_facilitator:
        return _Scope(course, COURSE)
    if is_mentor(launch):
        return _Scope(course, MENTEES, mentee_user_pks(session, launch))
    raise ForbiddenError(
        _l("Only facilitators and mentors of this course can see learners' progress."),
        code="not-facilitator-or-mentor",
    )


def require_exporter(launch: LaunchContext) -> int:
    """The course of a facilitator's launch: only facilitators export a course's progress."""
    return errors.require_facilitator(
        launch, _l("Only a facilitator of this course can export its progress.")
    )


def course_label(session: Session, launch: LaunchContext) -> str | None:
    """The course's short label (falling back to its title), to name the export file."""
    row = session.execute(
        select(Context.label, Context.title).where(Context.id == require_exporter(launch))
    ).first()
    return (row.label or row.title) if row else None


def columns_of(
    session: Session, launch: LaunchContext, catalogue: Catalogue, today: date
) -> tuple[Column, ...]:
    """The course's assigned modules in the order learners see them (one query)."""
    assigned, _library = assignments.learner_view(session, launch, catalogue, {}, today)
    columns = []
    for item in assigned:
        module = catalogue.get(item.slug)
        if module is None or item.terms is None:
            continue
        columns.append(
            Column(
                item.slug,
                module.title,
                item.terms.required,
                item.terms.due_on,
                tuple(p.id for p in module.prompts),
            )
        )
    return tuple(columns)


_Columns = TypeVarTuple("_Columns")
# user id, roster status, last launch; the user's name, given name, family name and email
_Member = Row[int, str, datetime | None, str | None, str | None, str | None, str | None]


def _rows(session: Session, query: Select[*_Columns]) -> Sequence[Row[*_Columns]]:
    """Plain rows through the session's connection: these are columns, not entities, and the ORM's
    loading machinery costs more than the query itself on a course of thousands."""
    return session.connection().execute(query).all()


def _members(session: Session, scope: _Scope) -> Sequence[_Member]:
    query = (
        select(
            Membership.user_id,
            Membership.status,
            Membership.last_launch_at,
            User.name,
            User.given_name,
            User.family_name,
            User.email,
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.context_id == scope.course, scope.users(Membership.user_id))
    )
    return _rows(session, query)


def course_progress(
    session: Session, launch: LaunchContext, catalogue: Catalogue, today: date | None = None
) -> CourseProgress:
    """Every person this launch may follow in its course, with a cell per assigned module.

    `today` (default: the UTC date, as the learners' own list uses) decides what is overdue.
    """
    scope = _scope(session, launch)
    today = today or utcnow().date()
    columns = columns_of(session, launch, catalogue, today)
    if scope.audience == MENTEES and not scope.mentees:
        return CourseProgress(scope.audience, columns, ())
    members = _members(session, scope)
    slugs = [column.slug for column in columns]
    feedback: dict[tuple[int, str], dict[str, datetime | None]] = defaultdict(dict)
    progress: dict[int, dict[str, ModuleFacts]] = defaultdict(dict)
    if slugs:
        for user_id, slug, prompt_id, reviewed_at in course_queries.latest_feedback(
            session, scope.course, slugs, scope.users
        ):
            feedback[user_id, slug][prompt_id] = reviewed_at
        for user_id, slug, updated_at, completed_at in course_queries.progress_rows(
            session, scope.course, slugs, scope.users
        ):
            prompts = feedback.get((user_id, slug), NO_FEEDBACK)
            progress[user_id][slug] = ModuleFacts(True, updated_at, completed_at, prompts)
    activity = course_queries.latest_activity(session, scope.course, scope.users)
    learners = [
        LearnerFacts(
            user_pk=m.user_id,
            name=person_name(m.name, m.given_name, m.family_name),
            email=m.email or "",
            given_name=m.given_name or "",
            family_name=m.family_name or "",
            roster_status=m.status,
            last_launch_at=m.last_launch_at,
            other_activity=activity.get(m.user_id),
            modules=progress.get(m.user_id, {}),
        )
        for m in members
    ]
    return CourseProgress(scope.audience, columns, tuple(build_rows(learners, columns, today)))
