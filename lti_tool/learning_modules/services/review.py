"""A facilitator's review of the reflections shared with them, and the learner's view of it.

Facilitator functions refuse any other role and read only this launch's course, and only
versions whose learner chose to share them with the facilitator (`visibility == facilitator`):
a private version is "not found", exactly like one that does not exist or belongs to another
course. Learners read only the feedback on their own versions. Services flush; views commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, exists, func, select
from sqlalchemy.orm import Session

from lti_tool import errors
from lti_tool.db import utcnow
from lti_tool.errors import NotFoundError
from lti_tool.learning_modules.domain.feedback import feedback_problems, is_reviewed
from lti_tool.learning_modules.domain.modules import Module
from lti_tool.learning_modules.models import FACILITATOR, Feedback, Reflection, ReflectionVersion
from lti_tool.learning_modules.services.progress import (
    UnprocessableError,
    require_course,
    sanitise_answer,
)
from lti_tool.limits import limit
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.names import person_name
from lti_tool.people.models import User

PROBLEM_MESSAGES = {
    "required": _l("Name a strength you noticed in this reflection."),
    "question-or-next-step": _l("Add an open question, a next step, or both."),
}


def _problem_message(code: str, most: int) -> str:
    if code == "too-long":
        return str(
            _l(
                "This part is longer than %(limit)d characters. Shorten it and send again.",
                limit=most,
            )
        )
    return str(PROBLEM_MESSAGES[code])


class FeedbackError(UnprocessableError):
    code = "invalid-feedback"

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems  # field → message


@dataclass(frozen=True)
class SharedSubmission:
    version_id: int
    number: int
    prompt_id: str
    learner_name: str
    learner_id: int
    submitted_at: datetime
    reviewed_at: datetime | None

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None


def require_facilitator(launch: LaunchContext) -> int:
    return errors.require_facilitator(
        launch, _l("Only a facilitator of this course can review reflections.")
    )


def learner_name(user: User | None) -> str:
    """The learner's name for a facilitator or mentor, or "A learner" when the LMS sent none."""
    return (user.display_name if user else "") or str(_l("A learner"))


def learner_name_of(name: str | None, given_name: str | None, family_name: str | None) -> str:
    """`learner_name` from the name columns alone, for queries that load no User."""
    return person_name(name, given_name, family_name) or str(_l("A learner"))


# This ReflectionVersion is its reflection's latest: no later number exists. The review list, the
# reviewed rule, the home's counts and a mentor's reading all show the latest version only. A
# correlated probe of the (reflection_id, number) unique index, so a query reads only its own rows
# (a join on max(number) grouped every version of every course first). Over table columns, so it
# serves Core statements built once as well as ORM ones (the same table).
_versions_table, _reflections_table = ReflectionVersion.__table__, Reflection.__table__
_later_version = _versions_table.alias("later_version")
LATEST_SUBMITTED = ~exists().where(
    _later_version.c.reflection_id == _versions_table.c.reflection_id,
    _later_version.c.number > _versions_table.c.number,
)


WAITING, REVIEWED, ALL = "waiting", "reviewed", "all"
REVIEW_FILTERS = (ALL, WAITING, REVIEWED)
PAGE_SIZE = 50


@dataclass(frozen=True)
class SubmissionsPage:
    """One page of a module's review queue, and how many wait or were reviewed in the course."""

    items: list[SharedSubmission]
    counts: dict[str, int]  # WAITING and REVIEWED, the whole module in the course
    number: int  # 1-based, clamped to the pages there are
    pages: int
    total: int  # with the filter


def shared_submissions(
    session: Session,
    launch: LaunchContext,
    module_slug: str,
    *,
    status: str = ALL,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> SubmissionsPage:
    """The latest submitted version of each shared reflection in this course's module, with its
    learner and whether it was reviewed; unreviewed first, oldest first; one page of them,
    optionally only those waiting or reviewed. Counted, ordered and cut by the database: two
    statements whatever the size of the course, and only the page's rows are read."""
    context_pk = require_facilitator(launch)
    reviewed_at = (
        select(func.max(Feedback.reviewed_at))
        .where(Feedback.reflection_version_id == ReflectionVersion.id)
        .scalar_subquery()
    )
    was_reviewed = exists().where(Feedback.reflection_version_id == ReflectionVersion.id)
    shared = (
        Reflection.context_id == context_pk,
        Reflection.module_slug == module_slug,
        Reflection.visibility == FACILITATOR,
        ReflectionVersion.visibility == FACILITATOR,
        LATEST_SUBMITTED,
    )
    state = case((was_reviewed, 1), else_=0)
    counted: dict[int, int] = dict(
        session.execute(
            select(state.label("reviewed"), func.count(ReflectionVersion.id))
            .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
            .where(*shared)
            .group_by(state)
        ).all()
    )
    counts = {WAITING: int(counted.get(0, 0)), REVIEWED: int(counted.get(1, 0))}
    total = counts[status] if status in counts else sum(counts.values())
    pages = max(1, -(-total // size))
    number = min(max(page, 1), pages)
    # The page's ids first (ordered and cut on the narrow rows), then their details: the
    # learner's name and when feedback came are read for the 50 shown, not the whole module.
    ids = (
        select(ReflectionVersion.id.label("id"), state.label("state"))
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .where(*shared)
        .order_by(state, ReflectionVersion.submitted_at, ReflectionVersion.id)
        .offset((number - 1) * size)
        .limit(size)
    )
    if status == WAITING:
        ids = ids.where(~was_reviewed)
    elif status == REVIEWED:
        ids = ids.where(was_reviewed)
    shown = ids.subquery()
    query = (
        select(
            ReflectionVersion.id,
            ReflectionVersion.number,
            ReflectionVersion.submitted_at,
            Reflection.prompt_id,
            User.id.label("user_id"),
            User.name,
            User.given_name,
            User.family_name,
            reviewed_at.label("reviewed_at"),
        )
        .join(shown, shown.c.id == ReflectionVersion.id)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .join(User, User.id == Reflection.user_id)
        .order_by(shown.c.state, ReflectionVersion.submitted_at, ReflectionVersion.id)
    )
    items = [
        SharedSubmission(
            version_id=row.id,
            number=row.number,
            prompt_id=row.prompt_id,
            learner_name=person_name(row.name, row.given_name, row.family_name)
            or str(_l("A learner")),
            learner_id=row.user_id,
            submitted_at=row.submitted_at,
            reviewed_at=row.reviewed_at,
        )
        for row in session.execute(query)
    ]
    return SubmissionsPage(items, counts, number, pages, total)


@dataclass(frozen=True)
class SharedVersion:
    version: ReflectionVersion
    reflection: Reflection
    learner_name: str
    is_latest: bool
    feedback: list[Feedback]


def shared_version(
    session: Session, launch: LaunchContext, module_slug: str, version_id: int
) -> SharedVersion:
    """One version shared with the facilitators of this course; 404 for anything else."""
    context_pk = require_facilitator(launch)
    row = session.execute(
        select(ReflectionVersion, Reflection, User)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .join(User, User.id == Reflection.user_id)
        .where(
            ReflectionVersion.id == version_id,
            Reflection.context_id == context_pk,
            Reflection.module_slug == module_slug,
            Reflection.visibility == FACILITATOR,
            ReflectionVersion.visibility == FACILITATOR,
        )
    ).first()
    if row is None:
        raise NotFoundError(
            _l("There is no shared reflection at this address."), code="reflection-not-found"
        )
    version, reflection, user = row
    latest = session.scalar(
        select(func.max(ReflectionVersion.number)).where(
            ReflectionVersion.reflection_id == reflection.id
        )
    )
    feedback = list(
        session.scalars(
            select(Feedback)
            .where(Feedback.reflection_version_id == version.id)
            .order_by(Feedback.created_at, Feedback.id)
        )
    )
    return SharedVersion(
        version, reflection, learner_name(user), version.number == latest, feedback
    )


def give_feedback(
    session: Session,
    launch: LaunchContext,
    module_slug: str,
    version_id: int,
    *,
    strength: str,
    question: str,
    next_step: str,
) -> Feedback:
    """Record feedback on a shared version (sanitised) and so mark it reviewed."""
    shared = shared_version(session, launch, module_slug, version_id)
    cleaned = {
        "strength": sanitise_answer(strength or ""),
        "question": sanitise_answer(question or ""),
        "next_step": sanitise_answer(next_step or ""),
    }
    most = limit("FEEDBACK_MAX_CHARS")
    problems = feedback_problems(**cleaned, max_chars=most)
    if problems:
        raise FeedbackError({p.field: _problem_message(p.code, most) for p in problems})
    now = utcnow()
    feedback = Feedback(
        reflection_version_id=shared.version.id,
        author_user_id=launch.user_pk,
        created_at=now,
        reviewed_at=now,
        **cleaned,
    )
    session.add(feedback)
    session.flush()
    return feedback


def feedback_for_me(
    session: Session, launch: LaunchContext, module_slug: str
) -> dict[int, list[Feedback]]:
    """Feedback on this learner's own versions in this course's module, by version id."""
    context_pk = require_course(launch)
    rows = session.scalars(
        select(Feedback)
        .join(ReflectionVersion, Feedback.reflection_version_id == ReflectionVersion.id)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .where(
            Reflection.user_id == launch.user_pk,
            Reflection.context_id == context_pk,
            Reflection.module_slug == module_slug,
        )
        .order_by(Feedback.created_at, Feedback.id)
    )
    found: dict[int, list[Feedback]] = {}
    for feedback in rows:
        found.setdefault(feedback.reflection_version_id, []).append(feedback)
    return found


def module_reviewed(
    session: Session, launch: LaunchContext, module: Module, learner_pk: int | None = None
) -> bool:
    """The module is reviewed for this learner (by default the launch's user): the latest
    submitted version of every prompt has feedback. One query."""
    context_pk = require_course(launch)
    has_feedback = exists().where(Feedback.reflection_version_id == ReflectionVersion.id)
    rows = session.execute(
        select(Reflection.prompt_id, ReflectionVersion.id, has_feedback)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .where(
            LATEST_SUBMITTED,
            Reflection.user_id == (launch.user_pk if learner_pk is None else learner_pk),
            Reflection.context_id == context_pk,
            Reflection.module_slug == module.slug,
        )
    ).all()
    latest_by_prompt = {prompt: version_id for prompt, version_id, _ in rows}
    reviewed = {version_id for _, version_id, done in rows if done}
    return is_reviewed([p.id for p in module.prompts], latest_by_prompt, reviewed)


_AWAITING_BY_MODULE = (
    select(_reflections_table.c.module_slug, func.count(_versions_table.c.id))
    .select_from(
        _versions_table.join(
            _reflections_table, _versions_table.c.reflection_id == _reflections_table.c.id
        )
    )
    .where(
        LATEST_SUBMITTED,
        _reflections_table.c.context_id == bindparam("context_pk"),
        _reflections_table.c.visibility == FACILITATOR,
        _versions_table.c.visibility == FACILITATOR,
        ~exists().where(Feedback.__table__.c.reflection_version_id == _versions_table.c.id),
    )
    .group_by(_reflections_table.c.module_slug)
)


def awaiting_by_module(session: Session, launch: LaunchContext) -> dict[str, int]:
    """How many shared reflections wait for feedback in this course, by module: the latest
    shared version of each reflection, with no feedback yet. One query; facilitators only."""
    context_pk = require_facilitator(launch)
    rows = session.execute(_AWAITING_BY_MODULE, {"context_pk": context_pk}).all()
    return {slug: int(n) for slug, n in rows}
