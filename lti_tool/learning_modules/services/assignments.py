"""Which mini-modules a facilitator assigned in a course, always through the launch that asks.

Every function takes the request's Session and the LaunchContext explicitly and reads or writes
only the assignments of that launch's course (`launch.context_pk`); a launch without a course is
refused, and only a facilitator may change anything. Services flush; the view commits once.
The ordering a learner sees is pure and lives in `domain.assignment`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from lti_tool import errors
from lti_tool.db import rowcount, utcnow
from lti_tool.errors import NotFoundError
from lti_tool.learning_modules.domain.assignment import (
    AssignmentTerms,
    LearnerItem,
    learner_order,
)
from lti_tool.learning_modules.domain.modules import Catalogue
from lti_tool.learning_modules.domain.progress import ModuleStatus
from lti_tool.learning_modules.models import ModuleAssignment
from lti_tool.lti.launch import LaunchContext


@dataclass(frozen=True)
class Choice:
    """One row of the facilitator's form: assigned or not, required or optional, a due date."""

    assigned: bool
    required: bool = False
    due_on: date | None = None


def _course(launch: LaunchContext) -> int:
    return errors.require_course(launch)


def _facilitator_course(launch: LaunchContext) -> int:
    return errors.require_facilitator(
        launch, _l("Only a facilitator of this course can assign mini-modules.")
    )


def _check_slug(catalogue: Catalogue, slug: str) -> None:
    if catalogue.get(slug) is None:
        raise NotFoundError(_l("There is no such mini-module."), code="module-not-found")


def list_for_course(session: Session, launch: LaunchContext) -> dict[str, ModuleAssignment]:
    """This course's assignments by module slug (anyone in the course may read them)."""
    rows = session.scalars(
        select(ModuleAssignment).where(ModuleAssignment.context_id == _course(launch))
    )
    return {row.module_slug: row for row in rows}


# Table columns, not ORM attributes: a statement over mapped attributes goes through the
# ORM's compile and result setup on every execution, which a plain row does not need.
_assignments = ModuleAssignment.__table__
# Built once: every learner's course home reads it.
_COURSE_TERMS = select(
    _assignments.c.module_slug, _assignments.c.required, _assignments.c.due_on
).where(_assignments.c.context_id == bindparam("context_pk"))


def _row(session: Session, course: int, slug: str) -> ModuleAssignment | None:
    return session.scalar(
        select(ModuleAssignment).where(
            ModuleAssignment.context_id == course, ModuleAssignment.module_slug == slug
        )
    )


def assign(
    session: Session,
    launch: LaunchContext,
    catalogue: Catalogue,
    slug: str,
    *,
    required: bool = False,
    due_on: date | None = None,
) -> ModuleAssignment:
    """Assign one module in this course, or change its terms if it is already assigned."""
    course = _facilitator_course(launch)
    _check_slug(catalogue, slug)
    row = _row(session, course, slug)
    if row is None:
        row = ModuleAssignment(
            context_id=course,
            module_slug=slug,
            required=required,
            due_on=due_on,
            assigned_by_user_id=launch.user_pk,
        )
        session.add(row)
    else:
        row.required, row.due_on = required, due_on
    session.flush()
    return row


def note_linked(
    session: Session, context_pk: int, catalogue: Catalogue, slugs: list[str]
) -> list[str]:
    """Count modules placed in the course by deep linking as assigned (optional, no due date),
    unless a facilitator already set their terms. Returns the slugs newly noted.

    A module the LMS links to is one the course asks learners to do: without this, progress at a
    glance said "No mini-modules are assigned" while learners completed a linked one.
    """
    wanted = [slug for slug in dict.fromkeys(slugs) if catalogue.get(slug) is not None]
    if not wanted:
        return []
    known = set(
        session.scalars(
            select(ModuleAssignment.module_slug).where(
                ModuleAssignment.context_id == context_pk,
                ModuleAssignment.module_slug.in_(wanted),
            )
        )
    )
    added = [slug for slug in wanted if slug not in known]
    for slug in added:
        session.add(ModuleAssignment(context_id=context_pk, module_slug=slug, required=False))
    session.flush()
    return added


def assign_pathway(
    session: Session,
    launch: LaunchContext,
    catalogue: Catalogue,
    key: str,
    *,
    required: bool = False,
    due_on: date | None = None,
) -> list[ModuleAssignment]:
    """Assign every module of a pathway; modules already assigned keep their terms."""
    course = _facilitator_course(launch)
    if catalogue.pathway(key) is None:
        raise NotFoundError(_l("There is no such pathway."), code="pathway-not-found")
    added = []
    for module in catalogue.pathway_modules(key):
        if _row(session, course, module.slug) is None:
            added.append(
                assign(session, launch, catalogue, module.slug, required=required, due_on=due_on)
            )
    return added


def update(
    session: Session,
    launch: LaunchContext,
    slug: str,
    *,
    required: bool,
    due_on: date | None,
) -> ModuleAssignment:
    """Change whether an assigned module is required and when it is due."""
    row = _row(session, _facilitator_course(launch), slug)
    if row is None:
        raise NotFoundError(_l("This mini-module is not assigned."), code="not-assigned")
    row.required, row.due_on = required, due_on
    session.flush()
    return row


def unassign(session: Session, launch: LaunchContext, slug: str) -> bool:
    """Remove a module's assignment from this course; False when it was not assigned."""
    result = session.execute(
        delete(ModuleAssignment).where(
            ModuleAssignment.context_id == _facilitator_course(launch),
            ModuleAssignment.module_slug == slug,
        )
    )
    session.flush()
    return bool(rowcount(result))


def save_choices(
    session: Session,
    launch: LaunchContext,
    catalogue: Catalogue,
    choices: Mapping[str, Choice],
) -> None:
    """Apply the facilitator's form: assign, update or unassign each module listed."""
    _facilitator_course(launch)
    for slug, choice in choices.items():
        if choice.assigned:
            assign(session, launch, catalogue, slug, required=choice.required, due_on=choice.due_on)
        else:
            unassign(session, launch, slug)


def learner_view(
    session: Session,
    launch: LaunchContext,
    catalogue: Catalogue,
    statuses: Mapping[str, str],
    today: date | None = None,
) -> tuple[tuple[LearnerItem, ...], tuple[LearnerItem, ...]]:
    """(assigned modules in the learner's order, the optional library) for this course.

    `statuses` is the learner's ModuleStatus by slug; `today` defaults to the UTC date.
    """
    terms = {
        slug: AssignmentTerms(slug, required, due_on)
        for slug, required, due_on in session.execute(
            _COURSE_TERMS, {"context_pk": _course(launch)}
        )
    }
    completed = {slug for slug, status in statuses.items() if status == ModuleStatus.COMPLETED}
    return learner_order(
        [m.slug for m in catalogue.modules], terms, completed, today or utcnow().date()
    )
