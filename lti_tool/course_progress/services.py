"""One course's progress grid, a page at a time, for exactly the people a launch may follow.

- A facilitator follows the course's learners (membership role `learner`, any roster status: the
  page filters by it).
- A mentor follows the mentees their launch's `role_scope_mentor` names (`people.services`), nobody
  else; an empty scope shows nobody.
- Anyone else is refused (`ForbiddenError`), as is a launch without a course.

The database decides who is on a page: the filters (roster status, launched, search, a state or
"overdue" in a module), the sorting and the page of 50 are SQL over the course's memberships
(`learning_modules.services.course_queries` builds the per-learner subqueries, the search reads
the folded columns `User.search_text` and `User.name_key`). Only the page's learners are then
read in full and their cells built by the domain's rules (`domain.grid`), so a page costs the
same statements and about the same time whatever the course's size: the course's assignments
(one, through `learning_modules.services.assignments`), how many people match (one COUNT), the
page's members with their user and latest activity (one), and for those members progress rows
and when each prompt's latest version got feedback (one each); a mentor's scope adds one.
The CSV export is one query streamed in batches on a connection of its own, states and last
activity computed in SQL by the same rules. Every query is limited to this launch's course and to the people in scope, so
another course's rows are never read. Read-only: nothing here writes or flushes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVarTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Row,
    Select,
    SQLColumnExpression,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from lti_tool import errors
from lti_tool.course_progress import models  # noqa: F401 - its triggers join every create_all
from lti_tool.course_progress.domain.csv_export import ExportRow
from lti_tool.course_progress.domain.grid import (
    NO_FEEDBACK,
    ON_ROSTER,
    CellStatus,
    Column,
    LearnerFacts,
    LearnerRow,
    ModuleFacts,
    Query,
    build_rows,
    is_past_due,
    parse_query,
    search_words,
)
from lti_tool.course_progress.domain.paging import PAGE_SIZE, PageOf, window
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
EXPORT_BATCH = 500  # rows fetched at a time by the export's one streamed query
# The states in the order `course_queries.progress_state` names them.
_STATE_WORDS = (
    CellStatus.NOT_STARTED.value,
    CellStatus.IN_PROGRESS.value,
    CellStatus.SUBMITTED.value,
    CellStatus.REVIEWED.value,
)


@dataclass(frozen=True)
class CourseProgress:
    audience: str  # COURSE for a facilitator, MENTEES for a mentor
    columns: tuple[Column, ...]
    query: Query
    page: PageOf  # the learners shown, with their cells, and how many match in all
    anyone: bool  # someone is in scope at all (a mentor whose LMS lists no mentee: False)


@dataclass(frozen=True)
class _Scope:
    course: int
    audience: str
    mentees: frozenset[int] = frozenset()

    def members(self) -> list[ColumnElement[bool]]:
        """The memberships of this course this launch may follow."""
        if self.audience == MENTEES:
            return [
                Membership.context_id == self.course,
                Membership.user_id.in_(sorted(self.mentees)),
            ]
        return [Membership.context_id == self.course, Membership.role == ToolRole.LEARNER.value]


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


def _rows(session: Session, query: Select[*_Columns]) -> Sequence[Row[*_Columns]]:
    """Plain rows through the session's connection: these are columns, not entities, and the ORM's
    loading machinery costs more than the query itself."""
    return session.connection().execute(query).all()


# -- the grid's query in SQL: the rules of `domain.grid.matches` and `sort_rows` --------------


class _contains(FunctionElement[bool]):  # noqa: N801 - a SQL function's name
    """`text` contains `word` as it is, case and all (both are folded already): instr() on
    SQLite and strpos() on PostgreSQL, a plain search for a string, several times faster on
    every row of a course than LIKE '%word%' with its escapes and its pattern matching."""

    type = Boolean()
    inherit_cache = True


@compiles(_contains)
def _contains_like(element: _contains, compiler: SQLCompiler, **kw: Any) -> str:
    text, word = list(element.clauses)
    return compiler.process(text.contains(word, autoescape=True), **kw)


@compiles(_contains, "sqlite")
def _contains_sqlite(element: _contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(instr({compiler.process(element.clauses, **kw)}) > 0)"


@compiles(_contains, "postgresql")
def _contains_postgresql(element: _contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(strpos({compiler.process(element.clauses, **kw)}) > 0)"


def _in_state(course: int, column: Column, state: str) -> ColumnElement[bool]:
    """The learner's cell in `column` has `state`, as `domain.grid.cell_status` decides: no
    progress row is not started, one without completion in progress, a completed one reviewed
    when every prompt's latest version has feedback, else submitted."""
    user = Membership.user_id
    if state == CellStatus.NOT_STARTED:
        return ~course_queries.has_progress(course, column.slug, user)
    if state == CellStatus.IN_PROGRESS:
        return course_queries.has_progress(course, column.slug, user, completed=False)
    return course_queries.has_progress(
        course,
        column.slug,
        user,
        completed=True,
        reviewed_prompts=column.prompt_ids,
        is_reviewed=state == CellStatus.REVIEWED,
    )


def _overdue(course: int, column: Column, today: date) -> ColumnElement[bool]:
    """Required, past its due date and not submitted (reviewed counts as submitted)."""
    if not is_past_due(column.required, column.due_on, today):
        return false()
    return ~course_queries.has_progress(course, column.slug, Membership.user_id, completed=True)


def _filters(
    scope: _Scope, columns: Sequence[Column], query: Query, today: date
) -> list[ColumnElement[bool]]:
    """The WHERE of the grid's query: scope, roster, launched, search, state and overdue."""
    conditions = scope.members()
    # Cheap tests on the row first: SQLite evaluates a WHERE's terms in the order written.
    allowed = sorted(ON_ROSTER) if not query.roster else [query.roster]
    conditions.append(Membership.status.in_(allowed))
    if query.launched:
        launched = Membership.last_launch_at.is_not(None)
        conditions.append(launched if query.launched == "yes" else ~launched)
    for word in search_words(query.search):
        conditions.append(_contains(User.search_text, literal(word)))
    chosen = [c for c in columns if c.slug == query.module] or list(columns)
    if query.state:
        conditions.append(or_(false(), *(_in_state(scope.course, c, query.state) for c in chosen)))
    if query.overdue:
        conditions.append(or_(false(), *(_overdue(scope.course, c, today) for c in chosen)))
    return conditions


def _order(course: int, columns: Sequence[Column], query: Query) -> list[Any]:
    """The ORDER BY of `domain.grid.sort_rows`: by folded name (nameless people last), then id;
    by last activity (none counts as oldest) or modules submitted, ties by name then id, always
    ascending."""
    nameless = User.name_key == ""
    by_name = [nameless, User.name_key, Membership.user_id]
    descending = query.order == "desc"
    slugs = [c.slug for c in columns]
    if query.sort == "activity":
        activity = _last_activity()
        first = activity.desc().nulls_last() if descending else activity.asc().nulls_first()
        return [first, *by_name]
    if query.sort == "submitted":
        done = course_queries.completed_count(course, slugs, Membership.user_id)
        return [done.desc() if descending else done.asc(), *by_name]
    return [key.desc() for key in by_name] if descending else by_name


def _last_activity() -> ColumnElement[datetime]:
    """`domain.grid.last_activity` in SQL: the later of the last launch and the latest progress,
    draft or submission (`Membership.activity_at`, kept by triggers: `course_progress.models`)."""
    return course_queries.latest(Membership.last_launch_at, Membership.activity_at)


def _people(*columns: Any) -> Select[Any]:
    return select(*columns).join(User, User.id == Membership.user_id)


# -- the grid ---------------------------------------------------------------------------------


def course_progress(
    session: Session,
    launch: LaunchContext,
    catalogue: Catalogue,
    args: Mapping[str, str],
    today: date | None = None,
) -> CourseProgress:
    """The page of the grid the query string `args` asks for (filters, sort, page number; unknown
    values fall back to the defaults): the people this launch may follow in its course who match,
    a page of them with a cell per assigned module.

    `today` (default: the UTC date, as the learners' own list uses) decides what is overdue.
    """
    scope = _scope(session, launch)
    today = today or utcnow().date()
    columns = columns_of(session, launch, catalogue, today)
    query = parse_query(args, [column.slug for column in columns])
    anyone = scope.audience == COURSE or bool(scope.mentees)
    if not columns or not anyone:
        return CourseProgress(scope.audience, columns, query, PageOf((), 1, 1, 0), anyone)
    where = _filters(scope, columns, query, today)
    total = session.connection().scalar(_people(func.count()).select_from(Membership).where(*where))
    number, pages, offset = window(total or 0, query.page)
    members = _rows(
        session,
        _people(
            Membership.user_id,
            Membership.status,
            Membership.last_launch_at,
            Membership.activity_at,
            User.name,
            User.given_name,
            User.family_name,
            User.email,
        )
        .where(*where)
        .order_by(*_order(scope.course, columns, query))
        .limit(PAGE_SIZE)
        .offset(offset),
    )
    rows = _page_rows(session, scope.course, columns, members, today)
    page = PageOf(tuple(rows), number, pages, total or 0)
    return CourseProgress(scope.audience, columns, query, page, anyone)


def _page_rows(
    session: Session,
    course: int,
    columns: Sequence[Column],
    members: Sequence[Row[Any]],
    today: date,
) -> list[LearnerRow]:
    """The page's learners, in the page's order, with their cells: two queries on their rows
    only (progress, feedback), whatever the course's size."""
    shown = sorted({m.user_id for m in members})

    def users(column: SQLColumnExpression[int]) -> ColumnElement[bool]:
        return column.in_(shown)

    slugs = [column.slug for column in columns]
    feedback: dict[tuple[int, str], dict[str, datetime | None]] = defaultdict(dict)
    for user_id, slug, prompt_id, reviewed_at in course_queries.latest_feedback(
        session, course, slugs, users
    ):
        feedback[user_id, slug][prompt_id] = reviewed_at
    progress: dict[int, dict[str, ModuleFacts]] = defaultdict(dict)
    for user_id, slug, updated_at, completed_at in course_queries.progress_rows(
        session, course, slugs, users
    ):
        prompts = feedback.get((user_id, slug), NO_FEEDBACK)
        progress[user_id][slug] = ModuleFacts(True, updated_at, completed_at, prompts)
    learners = [
        LearnerFacts(
            user_pk=m.user_id,
            name=person_name(m.name, m.given_name, m.family_name),
            email=m.email or "",
            given_name=m.given_name or "",
            family_name=m.family_name or "",
            roster_status=m.status,
            last_launch_at=m.last_launch_at,
            other_activity=m.activity_at,
            modules=progress.get(m.user_id, {}),
        )
        for m in members
    ]
    return build_rows(learners, columns, today)


# -- the export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """What the CSV holds: its columns, and the one query of its rows, read by `rows`."""

    columns: tuple[Column, ...]
    statement: Select[Any]

    def rows(self, connection: Connection) -> Iterator[ExportRow]:
        """The rows, fetched `EXPORT_BATCH` at a time as the caller iterates (a server-side
        cursor on PostgreSQL), so memory does not grow with the course. `connection` is one the
        caller holds for as long as it reads: a streamed response is read after its request's
        session has closed."""
        if connection.dialect.name == "postgresql":
            # The plan's estimated cost (a subquery per module and learner) crosses PostgreSQL's
            # jit_above_cost from a few hundred learners on; compiling it took 2 of the 2.6 s
            # of a 2,000-learner export, for index lookups that gain nothing from it.
            connection.exec_driver_sql("SET LOCAL jit = off")
        result = connection.execution_options(yield_per=EXPORT_BATCH).execute(self.statement)
        with result:
            for row in result:
                status, launched, name, given, family, email, activity, *cells = row
                yield ExportRow(
                    person_name(name, given, family),
                    email or "",
                    status,
                    launched is not None,
                    activity,
                    tuple(CellStatus(cell) for cell in cells),
                )


def export(
    session: Session,
    launch: LaunchContext,
    catalogue: Catalogue,
    args: Mapping[str, str],
    today: date | None = None,
) -> Export:
    """Every learner the grid's query `args` matches (all pages, the page's order), for the CSV.

    One query, the states and last activity computed by the database
    (`course_queries.progress_state`, `Membership.activity_at`: the rules of `domain.grid`);
    authorization and the columns are settled here, in the request's session.
    """
    require_exporter(launch)
    scope = _scope(session, launch)
    today = today or utcnow().date()
    columns = columns_of(session, launch, catalogue, today)
    query = parse_query(args, [column.slug for column in columns])
    user = Membership.user_id
    states = [
        course_queries.progress_state(scope.course, c.slug, c.prompt_ids, user, _STATE_WORDS)
        for c in columns
    ]
    statement = (
        _people(
            Membership.status,
            Membership.last_launch_at,
            User.name,
            User.given_name,
            User.family_name,
            User.email,
            _last_activity(),
            *states,
        )
        .where(*_filters(scope, columns, query, today))
        .order_by(*_order(scope.course, columns, query))
    )
    return Export(columns, statement)
