"""Who a mentor may follow: the mentees the LMS names in the launch's `role_scope_mentor` claim.

LTI 1.3 Core §5.4.5: a launch with the Mentor role may carry the `sub` values of the people it
mentors. Scope is the launch's, never stored on its own authority: a mentor follows exactly the
people their latest launch listed, who are active members of this course on the same platform.
An empty scope means nobody; a mentor never sees the whole course.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.models import MEMBER_ACTIVE, Membership, User
from lti_tool.lti.roles import ToolRole


def is_mentor(launch: LaunchContext) -> bool:
    return launch.role is ToolRole.MENTOR


def mentee_user_pks(session: Session, launch: LaunchContext) -> frozenset[int]:
    """The tool user ids of this mentor's mentees in the launch's course (one query)."""
    if not is_mentor(launch) or launch.context_pk is None or not launch.mentee_subs:
        return frozenset()
    rows = session.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            User.issuer == launch.issuer,
            User.sub.in_(launch.mentee_subs),
            Membership.context_id == launch.context_pk,
            Membership.status == MEMBER_ACTIVE,
            User.id != launch.user_pk,
        )
    )
    return frozenset(rows)


def mentors_of(session: Session, context_pk: int, user: User) -> list[User]:
    """The course's members whose latest launch named `user` as a mentee (for the mentee to see
    who their sharing reaches). Mentor memberships are few, so the scope list is read in Python:
    JSON containment is spelled differently on every database."""
    rows = session.execute(
        select(Membership.mentee_subs, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.context_id == context_pk,
            Membership.role == ToolRole.MENTOR.value,
            Membership.status == MEMBER_ACTIVE,
            User.issuer == user.issuer,
        )
        .order_by(User.id)
    ).all()
    return [mentor for subs, mentor in rows if user.sub in (subs or ())]
