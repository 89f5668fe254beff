"""Progress at a glance: each learner's state in each assigned module, and how the grid is narrowed.

Pure (standard library only), so every rule is unit-tested without an app or a database. From
plain facts (a progress row's times, when each prompt's latest version got feedback) a cell is:

- *not started*: no progress row;
- *in progress*: a progress row without a completion time;
- *submitted*: completed (every section seen, every prompt submitted);
- *reviewed*: submitted, and the latest version of every prompt has feedback. This is the rule of
  `learning_modules.domain.feedback.is_reviewed`, restated here because a feature reaches another
  only through its services; `tests/unit/course_progress` checks the two agree.

A required module whose due date has passed and which is not submitted is *overdue* (the due date
stays soft: nothing is blocked).

Which learners a page shows is decided by the database (`course_progress.services`): it filters,
searches, sorts and cuts a course of thousands in SQL, then only the page's learners get their
cells built here. `matches`, `sort_rows` and `narrowed` are the same rules on computed rows, the
reference the SQL must agree with: `tests/integration/course_progress/test_sql_agrees.py` runs
every filter, sort and state of a seeded course both ways and compares them, and compares the
states and last activity the export reads from SQL with `cell_status` and `last_activity`.
`is_past_due` and `search_words` are shared by both sides.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from lti_tool.lti.names import search_key
from lti_tool.numbers import whole_number

# The roster's words for a membership (lti.models.MEMBER_*), restated: pure code imports no models.
ROSTER_ACTIVE, ROSTER_INACTIVE, ROSTER_DELETED = "active", "inactive", "deleted"
ON_ROSTER = frozenset({ROSTER_ACTIVE, ROSTER_INACTIVE})


class CellStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


DONE = frozenset({CellStatus.SUBMITTED, CellStatus.REVIEWED})  # what "submitted" counts
NO_FEEDBACK: Mapping[str, datetime | None] = MappingProxyType({})


@dataclass(frozen=True)
class Column:
    """One assigned module, in the order learners see them (required, due date, catalogue)."""

    slug: str
    title: str
    required: bool = False
    due_on: date | None = None
    prompt_ids: tuple[str, ...] = ()


class ModuleFacts(NamedTuple):
    """What is recorded for one learner in one module. `feedback_at` maps each prompt that has a
    submitted version to when its latest version got feedback (None: not yet). A named tuple, as
    `Cell`: a large course makes tens of thousands of them per request."""

    started: bool = False
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    feedback_at: Mapping[str, datetime | None] = NO_FEEDBACK


@dataclass(frozen=True)
class LearnerFacts:
    """One person of the grid as the course knows them. `other_activity` is their latest progress,
    draft or submission in any module of this course (assigned or not)."""

    user_pk: int
    name: str = ""
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    roster_status: str = ROSTER_ACTIVE
    last_launch_at: datetime | None = None
    other_activity: datetime | None = None
    modules: Mapping[str, ModuleFacts] = field(default_factory=dict)


class Cell(NamedTuple):
    """One learner's state in one module, with its date and whether it is overdue."""

    status: CellStatus
    on: datetime | None = None  # when it reached this state (None when not started)
    overdue: bool = False


@dataclass(frozen=True)
class LearnerRow:
    facts: LearnerFacts
    cells: tuple[Cell, ...]  # in column order
    counts: Mapping[CellStatus, int]
    last_activity: datetime | None

    @property
    def launched(self) -> bool:
        return self.facts.last_launch_at is not None

    @property
    def submitted(self) -> int:
        """Modules submitted, reviewed ones included."""
        return sum(self.counts.get(status, 0) for status in DONE)


def all_prompts_reviewed(prompt_ids: Sequence[str], feedback_at: Mapping[str, object]) -> bool:
    """Every prompt has a submitted version and its latest one has feedback (none: False)."""
    return bool(prompt_ids) and all(feedback_at.get(p) is not None for p in prompt_ids)


def is_past_due(required: bool, due_on: date | None, today: date) -> bool:
    """A required module whose due date has passed: overdue unless submitted."""
    return required and due_on is not None and due_on < today


def cell_status(
    facts: ModuleFacts | None,
    prompt_ids: Sequence[str],
    due_on: date | None,
    required: bool,
    today: date,
) -> Cell:
    """The cell for one learner in one module, with the date it reached that state."""
    if facts is None or not facts.started:
        status, on = CellStatus.NOT_STARTED, None
    elif facts.completed_at is None:
        status, on = CellStatus.IN_PROGRESS, facts.updated_at
    elif all_prompts_reviewed(prompt_ids, facts.feedback_at):
        status = CellStatus.REVIEWED
        on = max(at for p in prompt_ids if isinstance(at := facts.feedback_at[p], datetime))
    else:
        status, on = CellStatus.SUBMITTED, facts.completed_at
    overdue = is_past_due(required, due_on, today) and status not in DONE
    return Cell(status, on, overdue)


def last_activity(facts: LearnerFacts) -> datetime | None:
    """The latest of the learner's launches, progress, drafts and submissions (feedback is the
    facilitator's activity, not theirs)."""
    times = [facts.last_launch_at, facts.other_activity]
    for module in facts.modules.values():
        times += [module.updated_at, module.completed_at]
    return max((t for t in times if t is not None), default=None)


def learner_row(facts: LearnerFacts, columns: Sequence[Column], today: date) -> LearnerRow:
    cells = tuple(
        cell_status(facts.modules.get(c.slug), c.prompt_ids, c.due_on, c.required, today)
        for c in columns
    )
    counts = dict.fromkeys(CellStatus, 0)
    for cell in cells:
        counts[cell.status] += 1
    return LearnerRow(facts, cells, counts, last_activity(facts))


def build_rows(
    learners: Sequence[LearnerFacts], columns: Sequence[Column], today: date
) -> list[LearnerRow]:
    return [learner_row(facts, columns, today) for facts in learners]


# -- search ---------------------------------------------------------------------------------


def search_words(search: str) -> list[str]:
    """The words of a search, folded as names are (`search_key`): each must appear. Control
    characters are dropped: nobody types them into a name, and PostgreSQL refuses a NUL."""
    typed = "".join(c for c in search if unicodedata.category(c) != "Cc" or c.isspace())
    return search_key(typed).split()


def matches_search(facts: LearnerFacts, search: str) -> bool:
    """Every word of `search` appears in the name (full, given or family) or the email."""
    words = search_words(search)
    if not words:
        return True
    haystack = " ".join(
        search_key(part) for part in (facts.name, facts.given_name, facts.family_name, facts.email)
    )
    return all(word in haystack for word in words)


# -- filters --------------------------------------------------------------------------------

ROSTER_FILTERS = ("", ROSTER_ACTIVE, ROSTER_INACTIVE, ROSTER_DELETED)  # "": active or inactive
LAUNCHED_FILTERS = ("", "yes", "never")
SORTS = ("name", "activity", "submitted")
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class Query:
    """What the grid's form asks for; `parse_query` turns unknown values into the defaults."""

    search: str = ""
    module: str = ""  # a column's slug; "" = any assigned module
    state: str = ""  # a CellStatus value; "" = any
    roster: str = ""
    launched: str = ""
    overdue: bool = False
    sort: str = "name"
    order: str = "asc"
    page: int = 1

    def as_args(self, *, with_page: bool = True) -> dict[str, str]:
        """The non-default values, as query-string arguments (links keep the filters)."""
        values = {
            "q": self.search,
            "module": self.module,
            "state": self.state,
            "roster": self.roster,
            "launched": self.launched,
            "overdue": "1" if self.overdue else "",
            "sort": "" if self.sort == "name" else self.sort,
            "order": "" if self.order == "asc" else self.order,
            "page": str(self.page) if with_page and self.page > 1 else "",
        }
        return {name: value for name, value in values.items() if value}


def _choice(value: str | None, allowed: Collection[str], default: str = "") -> str:
    return value if value is not None and value in allowed else default


def parse_query(args: Mapping[str, str], slugs: Collection[str]) -> Query:
    """The grid's query string, forgiving: anything unknown falls back to its default."""
    page = args.get("page", "")
    return Query(
        search=(args.get("q") or "").strip()[:200],
        module=_choice(args.get("module"), slugs),
        state=_choice(args.get("state"), [s.value for s in CellStatus]),
        roster=_choice(args.get("roster"), ROSTER_FILTERS),
        launched=_choice(args.get("launched"), LAUNCHED_FILTERS),
        overdue=args.get("overdue") == "1",
        sort=_choice(args.get("sort"), SORTS, "name"),
        order=_choice(args.get("order"), ORDERS, "asc"),
        page=1 if (number := whole_number(page, max_digits=6)) is None else number,
    )


def matches(row: LearnerRow, query: Query, slugs: Sequence[str]) -> bool:
    """Whether a row passes every filter of `query`; `slugs` are the columns, in order. A module
    chosen with a state or "overdue" narrows that test to its column; otherwise any column counts."""
    facts = row.facts
    allowed = ON_ROSTER if not query.roster else {query.roster}
    if facts.roster_status not in allowed:
        return False
    if query.launched and row.launched != (query.launched == "yes"):
        return False
    cells = row.cells
    if query.module in slugs:
        cells = (row.cells[list(slugs).index(query.module)],)
    if query.state and not any(cell.status == query.state for cell in cells):
        return False
    if query.overdue and not any(cell.overdue for cell in cells):
        return False
    return matches_search(facts, query.search)


def sort_rows(rows: Sequence[LearnerRow], sort: str, order: str) -> list[LearnerRow]:
    """Sorted by name, last activity (none counts as oldest) or modules submitted; ties always by
    name then id, ascending, so the order is the same on every request."""
    ordered = sorted(
        rows,
        key=lambda r: (search_key(r.facts.name) == "", search_key(r.facts.name), r.facts.user_pk),
    )
    if sort == "activity":
        ordered.sort(key=lambda r: r.last_activity or datetime.min, reverse=order == "desc")
    elif sort == "submitted":
        ordered.sort(key=lambda r: r.submitted, reverse=order == "desc")
    elif order == "desc":
        ordered.reverse()
    return ordered  # list.sort is stable, also with reverse=True: ties keep the name order


def narrowed(rows: Sequence[LearnerRow], query: Query, slugs: Sequence[str]) -> list[LearnerRow]:
    """The rows the page and the CSV show for `query`: filtered, searched and sorted."""
    kept = [row for row in rows if matches(row, query, slugs)]
    return sort_rows(kept, query.sort, query.order)
