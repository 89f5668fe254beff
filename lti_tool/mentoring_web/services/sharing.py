"""What facilitators may see of the webs in their course.

A web is private to its owner. A facilitator sees one person's web only while that person shares
it with the course's facilitators, and otherwise only the anonymous cohort figures of
`domain.cohort`, which carry counts and vocabulary values and never a name, label or free text.

Like `services`, every function takes the Session and the LaunchContext explicitly and reads only
the launch's own course: a web of another course, or one not shared, is "not found" — the answer
never tells whether it exists. Each page loads its webs in a constant number of queries
(strands by `selectinload`, owners' names by a join), whatever the size of the course.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from lti_tool import errors
from lti_tool.errors import ForbiddenError, NotFoundError
from lti_tool.lti.launch import LaunchContext
from lti_tool.mentoring_web.domain.facts import Band, WebFacts
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.models import WebOwner
from lti_tool.mentoring_web.services.web import require_course, web_facts
from lti_tool.people.models import MEMBER_ACTIVE, Membership, User
from lti_tool.people.services import is_mentor, mentee_user_pks


@dataclass(frozen=True)
class SharedWebRow:
    """One line of the facilitator's list of shared webs."""

    owner_id: int
    name: str
    active_strands: int
    band: Band
    updated_at: datetime


@dataclass(frozen=True)
class SharedWeb:
    """A web its owner shares with this course's facilitators, ready to show read-only."""

    owner: WebOwner
    name: str
    web: WebFacts


def last_updated(owner: WebOwner) -> datetime:
    """When the centre card or any strand last changed (the owner row alone misses strand edits)."""
    return max([owner.updated_at, *(strand.updated_at for strand in owner.strands)])


def shared_webs(session: Session, launch: LaunchContext, today: date) -> list[SharedWebRow]:
    """The webs of this course shared with its facilitators, by name.

    Anyone in the course who shares is listed, whatever their role: sharing is the owner's
    consent, and a mentor or co-facilitator may share a web to plan with the lead as well.
    """
    context_pk = facilitator_course(launch)
    owners = session.scalars(
        webs_in(context_pk)
        .where(WebOwner.shared_with_facilitators.is_(True))
        .options(joinedload(WebOwner.user))
    )
    rows = []
    for owner in owners:
        score = web_score(web_facts(owner), today)
        rows.append(
            SharedWebRow(
                owner_id=owner.id,
                name=owner.user.display_name,
                active_strands=score.active_strands,
                band=score.band,
                updated_at=last_updated(owner),
            )
        )
    return sorted(rows, key=lambda row: (row.name.casefold(), row.owner_id))


def shared_web(session: Session, launch: LaunchContext, owner_id: int) -> SharedWeb:
    """One shared web of this course; any other id (not shared, another course) is not found."""
    context_pk = facilitator_course(launch)
    owner = session.scalars(
        webs_in(context_pk)
        .where(WebOwner.id == owner_id, WebOwner.shared_with_facilitators.is_(True))
        .options(joinedload(WebOwner.user))
    ).first()
    if owner is None:
        raise NotFoundError(
            _l("There is no web shared with you at this address."), code="web-not-found"
        )
    name = owner.user.display_name
    return SharedWeb(owner=owner, name=name, web=web_facts(owner, name))


@dataclass(frozen=True)
class MenteeWeb:
    """A mentee as their mentor may see them: their name, and their web if they share it."""

    user_id: int
    name: str
    shared: SharedWeb | None


def mentee_web(session: Session, launch: LaunchContext, user_id: int) -> MenteeWeb:
    """A mentee's web, for a mentor whose launch names them, while they share it with their
    mentors (`shared` is None otherwise: the mentor knows whom they mentor, not what is private).
    Someone outside the mentor's scope is not found, like an id that does not exist."""
    course = require_course(launch)
    if not is_mentor(launch):
        raise ForbiddenError(_l("Only a mentor can see the webs of the people they mentor."))
    if user_id not in mentee_user_pks(session, launch):
        raise NotFoundError(_l("There is nobody you mentor at this address."), code="not-a-mentee")
    owner = session.scalars(
        webs_in(course)
        .where(WebOwner.user_id == user_id, WebOwner.shared_with_mentors.is_(True))
        .options(joinedload(WebOwner.user))
    ).first()
    if owner is None:
        return MenteeWeb(user_id, session.get_one(User, user_id).display_name, None)
    name = owner.user.display_name
    return MenteeWeb(user_id, name, SharedWeb(owner=owner, name=name, web=web_facts(owner, name)))


def webs_in(context_pk: int) -> Select[WebOwner]:
    """Webs of this course whose owner is still an active member of it, with their strands."""
    return (
        select(WebOwner)
        .join(
            Membership,
            and_(
                Membership.context_id == WebOwner.context_id,
                Membership.user_id == WebOwner.user_id,
            ),
        )
        .where(WebOwner.context_id == context_pk, Membership.status == MEMBER_ACTIVE)
        .options(selectinload(WebOwner.strands))
        .order_by(WebOwner.id)
    )


def facilitator_course(launch: LaunchContext) -> int:
    """The launch's course, for a facilitator of it."""
    return errors.require_facilitator(
        launch, _l("Only this course's facilitators can see this page.")
    )
