"""People from launches, and who a mentor may follow.

`record_launch` writes what a verified launch tells us: the user, the course context and the
membership. Services only flush; the launch view commits once, so a failure anywhere writes nothing.

A mentor follows the mentees the LMS names in the launch's `role_scope_mentor` claim (LTI 1.3 Core
§5.4.5). Scope is the launch's, never stored on its own authority: a mentor follows exactly the
people their latest launch listed, who are active members of this course on the same platform.
An empty scope means nobody; a mentor never sees the whole course.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.lti.launch import LaunchClaims, LaunchContext
from lti_tool.lti.models import Deployment, Platform
from lti_tool.lti.roles import ToolRole, canonical_roles
from lti_tool.people.models import MEMBER_ACTIVE, Context, Membership, User

_Row = TypeVar("_Row")


def _get_or_create(
    session: Session,
    model: type[_Row],
    lookup: dict[str, Any],
    defaults: dict[str, Any] | None = None,
) -> _Row:
    """Find a row by its natural key or insert it; a concurrent insert by another worker wins."""
    query = select(model).filter_by(**lookup)
    row: _Row | None = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = model(**lookup, **(defaults or {}))
            session.add(row)
    except IntegrityError:  # the other worker's row, committed: the natural key is unique
        row = session.scalars(query).one()
    return row


def record_launch(
    session: Session, claims: LaunchClaims, platform: Platform, deployment: Deployment
) -> tuple[User, Context | None]:
    now = utcnow()
    user = _get_or_create(session, User, {"issuer": claims.issuer, "sub": claims.sub})
    # A later launch without PII (or with less) never erases what an earlier one told us.
    for attribute in ("name", "given_name", "family_name", "email", "locale"):
        value = getattr(claims, attribute)
        if value:
            setattr(user, attribute, value)
    if claims.name is None and claims.display_name:
        user.name = claims.display_name
    user.last_launch_at = now

    context = None
    if claims.context_id:
        context = _get_or_create(
            session, Context, {"deployment_id": deployment.id, "context_id": claims.context_id}
        )
        context.title = claims.context_title or context.title
        context.label = claims.context_label or context.label
        membership = _get_or_create(
            session,
            Membership,
            {"context_id": context.id, "user_id": user.id},
            {"role": claims.role.value},
        )
        membership.role = claims.role.value
        membership.lti_roles = canonical_roles(claims.lti_roles)
        membership.mentee_subs = list(claims.mentee_subs)
        membership.last_launch_at = now
        membership.status = MEMBER_ACTIVE  # the LMS let them launch from this course just now
    session.flush()
    return user, context


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
