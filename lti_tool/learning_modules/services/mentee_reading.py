"""What a mentor may read of a mentee's reflections: the ones the mentee shares with mentors.

A mentor is someone whose launch names the mentee in `role_scope_mentor` (`people.services`). They
read the latest submitted version of each reflection the mentee chose to share with their mentors,
read-only: feedback stays the facilitators' part. Anyone outside the mentor's scope, or a
reflection not shared, is "not found", like an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lti_tool.errors import ForbiddenError, NotFoundError
from lti_tool.learning_modules.domain.modules import Catalogue, Module
from lti_tool.learning_modules.models import Reflection, ReflectionFile, ReflectionVersion
from lti_tool.learning_modules.services.progress import require_course
from lti_tool.learning_modules.services.review import (
    LATEST_SUBMITTED,
    learner_name,
    learner_name_of,
)
from lti_tool.lti.launch import LaunchContext
from lti_tool.people.models import User
from lti_tool.people.services import is_mentor, mentee_user_pks


@dataclass(frozen=True)
class SharedAnswer:
    prompt_text: str
    version: ReflectionVersion
    files: list[ReflectionFile]


@dataclass(frozen=True)
class MenteeReflections:
    user_id: int
    name: str
    modules: list[tuple[Module, list[SharedAnswer]]]  # catalogue order


def mentee_reflections(
    session: Session, launch: LaunchContext, user_id: int, catalogue: Catalogue
) -> MenteeReflections:
    """The reflections `user_id` shares with their mentors in this course (three queries)."""
    context_pk = require_course(launch)
    if not is_mentor(launch):
        raise ForbiddenError(
            _l("Only a mentor can read the reflections of the people they mentor.")
        )
    if user_id not in mentee_user_pks(session, launch):
        raise NotFoundError(_l("There is nobody you mentor at this address."), code="not-a-mentee")
    rows = session.execute(
        select(ReflectionVersion, Reflection)
        .join(Reflection, ReflectionVersion.reflection_id == Reflection.id)
        .where(
            LATEST_SUBMITTED,
            Reflection.user_id == user_id,
            Reflection.context_id == context_pk,
            Reflection.shared_with_mentors.is_(True),
            ReflectionVersion.shared_with_mentors.is_(True),
        )
    ).all()
    files: dict[tuple[int, int], list[ReflectionFile]] = {}
    if rows:
        for item in session.scalars(
            select(ReflectionFile)
            .where(ReflectionFile.reflection_id.in_([r.id for _v, r in rows]))
            .order_by(ReflectionFile.id)
        ):
            if item.version_number is not None:
                files.setdefault((item.reflection_id, item.version_number), []).append(item)
    by_module: dict[str, dict[str, SharedAnswer]] = {}
    for version, reflection in rows:
        module = catalogue.get(reflection.module_slug)
        prompt = (
            None
            if module is None
            else next((p for p in module.prompts if p.id == reflection.prompt_id), None)
        )
        if module is None or prompt is None:  # content changed since: nothing to show it under
            continue
        by_module.setdefault(module.slug, {})[prompt.id] = SharedAnswer(
            prompt.text, version, files.get((reflection.id, version.number), [])
        )
    ordered = [
        (module, [answers[p.id] for p in module.prompts if p.id in answers])
        for module in catalogue.modules
        if (answers := by_module.get(module.slug))
    ]
    return MenteeReflections(user_id, learner_name(session.get(User, user_id)), ordered)


@dataclass(frozen=True)
class MenteeShare:
    user_id: int
    name: str
    reflections: int  # reflections whose latest version the mentee shares with their mentors


# Built once over table columns: every mentor's course home asks. The mentees' rows only, and the
# latest version by an index probe: a mentor's page never reads the rest of the course.
_reflections, _versions, _users = Reflection.__table__, ReflectionVersion.__table__, User.__table__
_SHARED_BY_MENTEE = (
    select(_reflections.c.user_id, func.count(_reflections.c.id).label("n"))
    .select_from(_versions.join(_reflections, _versions.c.reflection_id == _reflections.c.id))
    .where(
        LATEST_SUBMITTED,
        _reflections.c.user_id.in_(bindparam("mentees", expanding=True)),
        _reflections.c.context_id == bindparam("context_pk"),
        _reflections.c.shared_with_mentors.is_(True),
        _versions.c.shared_with_mentors.is_(True),
    )
    .group_by(_reflections.c.user_id)
    .subquery()
)
_MENTEES_SHARING = (
    select(
        _users.c.id,
        _users.c.name,
        _users.c.given_name,
        _users.c.family_name,
        _SHARED_BY_MENTEE.c.n,
    )
    .outerjoin(_SHARED_BY_MENTEE, _SHARED_BY_MENTEE.c.user_id == _users.c.id)
    .where(_users.c.id.in_(bindparam("mentees", expanding=True)))
)


def mentees_sharing(session: Session, launch: LaunchContext) -> list[MenteeShare]:
    """Each of this mentor's mentees in the course, with how many reflections they share with
    their mentors, by name. Two queries, whatever the number of mentees."""
    context_pk = require_course(launch)
    if not is_mentor(launch):
        raise ForbiddenError(
            _l("Only a mentor can read the reflections of the people they mentor.")
        )
    mentees = mentee_user_pks(session, launch)
    if not mentees:
        return []
    rows = session.execute(
        _MENTEES_SHARING, {"mentees": sorted(mentees), "context_pk": context_pk}
    ).all()
    found = [
        MenteeShare(user_pk, learner_name_of(name, given, family), int(n or 0))
        for user_pk, name, given, family, n in rows
    ]
    return sorted(found, key=lambda m: (m.name.casefold(), m.user_id))
