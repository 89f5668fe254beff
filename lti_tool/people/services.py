"""People from launches, and who a mentor may follow.

`record_launch` writes what a verified launch tells us: the user, the course context and the
membership, in Core statements built once (a launch is the hottest path there is: a PD day is
thousands of them in minutes). Services only flush; the launch view commits once, so a failure
anywhere writes nothing.

A mentor follows the mentees the LMS names in the launch's `role_scope_mentor` claim (LTI 1.3 Core
§5.4.5). Scope is the launch's, never stored on its own authority: a mentor follows exactly the
people their latest launch listed, who are active members of this course on the same platform.
An empty scope means nobody; a mentor never sees the whole course.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session

from lti_tool.db import dialect_insert, utcnow
from lti_tool.lti.launch import LaunchClaims, LaunchContext
from lti_tool.lti.roles import ToolRole, canonical_roles
from lti_tool.people.models import MEMBER_ACTIVE, Context, Membership, User, name_keys

# A relaunch within this long of the last one leaves `last_launch_at` as it is: nothing reads it
# more finely (activity columns, "never launched"), and a PD day's relaunches then write nothing.
LAUNCH_TIME_RESOLUTION = timedelta(minutes=1)
PII_FIELDS = ("name", "given_name", "family_name", "email", "locale")

_users, _contexts, _memberships = User.__table__, Context.__table__, Membership.__table__

# What a returning user's launch needs to know, in one statement built once: the user, the course
# in this deployment and their membership in it (None columns where there is none yet).
_PERSON_IN_COURSE = (
    select(
        _users.c.id,
        *(_users.c[name] for name in PII_FIELDS),
        _users.c.last_launch_at,
        _contexts.c.id,
        _contexts.c.title,
        _contexts.c.label,
        _memberships.c.id,
        _memberships.c.role,
        _memberships.c.lti_roles,
        _memberships.c.mentee_subs,
        _memberships.c.status,
        _memberships.c.last_launch_at,
    )
    .select_from(_users)
    .outerjoin(
        _contexts,
        and_(
            _contexts.c.deployment_id == bindparam("deployment_pk"),
            _contexts.c.context_id == bindparam("context_id"),
        ),
    )
    .outerjoin(
        _memberships,
        and_(_memberships.c.context_id == _contexts.c.id, _memberships.c.user_id == _users.c.id),
    )
    .where(_users.c.issuer == bindparam("issuer"), _users.c.sub == bindparam("sub"))
)


@dataclass(frozen=True)
class LaunchPeople:
    """The rows a launch recorded: its user and, for a launch from a course, that course."""

    user_pk: int
    context_pk: int | None


def record_launch(session: Session, claims: LaunchClaims, deployment_pk: int) -> LaunchPeople:
    """Write what a verified launch tells us: the user, the course and the membership.

    A returning user's launch reads all three in one statement and writes only what changed (a
    later launch without PII, or with less, never erases what an earlier one told us). New rows
    are inserted with ON CONFLICT DO NOTHING, so a first launch racing another worker's takes the
    row that worker committed. Only flushes; the launch view commits once.
    """
    now = utcnow()
    params = {
        "issuer": claims.issuer,
        "sub": claims.sub,
        "deployment_pk": deployment_pk,
        "context_id": claims.context_id or "",
    }
    found = session.execute(_PERSON_IN_COURSE, params).first()
    inserted: int | None = None
    if found is None:
        inserted = _insert(
            session,
            _users,
            {"issuer": claims.issuer, "sub": claims.sub, "created_at": now, "last_launch_at": now}
            | _pii(claims),
            ("issuer", "sub"),
        )
        if inserted is None:  # another worker's first launch of this user committed it first
            found = session.execute(_PERSON_IN_COURSE, params).one()
    user_pk = _record_user(session, claims, now, found) if inserted is None else inserted
    if not claims.context_id:
        return LaunchPeople(user_pk, None)
    context_pk = _record_context(session, claims, deployment_pk, found)
    _record_membership(session, claims, user_pk, context_pk, now, found)
    return LaunchPeople(user_pk, context_pk)


def _pii(claims: LaunchClaims) -> dict[str, str | None]:
    values: dict[str, str | None] = {name: getattr(claims, name) for name in PII_FIELDS}
    values["name"] = claims.name or claims.display_name
    return values


def _stale(last: datetime | None, now: datetime) -> bool:
    return last is None or now - last >= LAUNCH_TIME_RESOLUTION


def _record_user(session: Session, claims: LaunchClaims, now: datetime, found: Any) -> int:
    """A returning user: update what this launch tells anew (never erasing), and the time."""
    pii = _pii(claims)
    user_pk, stored = found[0], dict(zip(PII_FIELDS, found[1:6], strict=True))
    changes: dict[str, Any] = {
        name: value for name, value in pii.items() if value and value != stored[name]
    }
    if (
        changes
    ):  # the stored search columns follow the names (the ORM's listener sees no Core update)
        merged = stored | changes
        changes |= name_keys(
            *(merged[part] for part in ("name", "given_name", "family_name", "email"))
        )
    if changes or _stale(found[6], now):
        session.execute(
            update(_users).where(_users.c.id == user_pk).values(last_launch_at=now, **changes)
        )
    return int(user_pk)


def _record_context(session: Session, claims: LaunchClaims, deployment_pk: int, found: Any) -> int:
    if found is not None and found[7] is not None:
        context_pk, title, label = found[7], found[8], found[9]
        changes = {
            name: value
            for name, value, stored in (
                ("title", claims.context_title, title),
                ("label", claims.context_label, label),
            )
            if value and value != stored
        }
        if changes:
            session.execute(update(_contexts).where(_contexts.c.id == context_pk).values(**changes))
        return int(context_pk)
    inserted = _insert(
        session,
        _contexts,
        {
            "deployment_id": deployment_pk,
            "context_id": claims.context_id,
            "title": claims.context_title,
            "label": claims.context_label,
            "created_at": utcnow(),
        },
        ("deployment_id", "context_id"),
    )
    if inserted is not None:
        return inserted
    # Another worker's first launch from this course committed it: take that row, as above.
    raced: int = session.execute(
        select(_contexts.c.id).where(
            _contexts.c.deployment_id == deployment_pk,
            _contexts.c.context_id == claims.context_id,
        )
    ).scalar_one()
    return raced


def _record_membership(
    session: Session,
    claims: LaunchClaims,
    user_pk: int,
    context_pk: int,
    now: datetime,
    found: Any,
) -> None:
    values = {
        "role": claims.role.value,
        "lti_roles": canonical_roles(claims.lti_roles),
        "mentee_subs": list(claims.mentee_subs),
        "status": MEMBER_ACTIVE,  # the LMS let them launch from this course just now
    }
    if found is not None and found[10] is not None:
        stored = dict(
            zip(("role", "lti_roles", "mentee_subs", "status"), found[11:15], strict=True)
        )
        changes = {name: value for name, value in values.items() if value != stored[name]}
        if changes or _stale(found[15], now):
            session.execute(
                update(_memberships)
                .where(_memberships.c.id == found[10])
                .values(last_launch_at=now, **changes)
            )
        return
    inserted = _insert(
        session,
        _memberships,
        {"context_id": context_pk, "user_id": user_pk, "last_launch_at": now} | values,
        ("context_id", "user_id"),
    )
    if inserted is None:  # another worker's launch inserted it first: this launch's word wins
        session.execute(
            update(_memberships)
            .where(_memberships.c.context_id == context_pk, _memberships.c.user_id == user_pk)
            .values(last_launch_at=now, **values)
        )


def _insert(
    session: Session,
    table: Any,
    values: dict[str, Any],
    natural_key: tuple[str, ...],
) -> int | None:
    """INSERT … ON CONFLICT (natural key) DO NOTHING RETURNING id: the new row's id, or None when
    another transaction holds that key (the caller reads that row)."""
    statement = (
        dialect_insert(session)(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(natural_key))
        .returning(table.c.id)
    )
    inserted: int | None = session.scalar(statement)
    return inserted


def is_mentor(launch: LaunchContext) -> bool:
    return launch.role is ToolRole.MENTOR


def mentee_user_pks(session: Session, launch: LaunchContext) -> frozenset[int]:
    """The tool user ids of this mentor's mentees in the launch's course (one query)."""
    if not is_mentor(launch) or launch.context_pk is None or not launch.mentee_subs:
        return frozenset()
    rows = session.scalars(
        _MENTEES,
        {
            "issuer": launch.issuer,
            "subs": list(launch.mentee_subs),
            "context_pk": launch.context_pk,
            "user_pk": launch.user_pk,
        },
    )
    return frozenset(rows)


# Built once: every mentor's page asks.
_MENTEES = (
    select(_users.c.id)
    .join(_memberships, _memberships.c.user_id == _users.c.id)
    .where(
        _users.c.issuer == bindparam("issuer"),
        _users.c.sub.in_(bindparam("subs", expanding=True)),
        _memberships.c.context_id == bindparam("context_pk"),
        _memberships.c.status == MEMBER_ACTIVE,
        _users.c.id != bindparam("user_pk"),
    )
)


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
