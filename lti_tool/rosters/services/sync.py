"""Syncing a course's roster from the LMS into the tool's users and memberships.

A launch only tells us about the person launching; the roster (NRPS) tells us about everyone in
the course, so facilitators see members who never opened the tool. People are matched on
(issuer, sub) — the `user_id` NRPS sends is the launch's `sub` — so a re-sync, or a launch after a
sync, never duplicates anyone.

`sync_course` is an operation like grade delivery: it runs in a worker (`rosters.jobs`; requests
only mark the sync requested and queue it) or from the CLI, and commits its steps itself. It first takes the course's lease in a transaction of its
own (two workers never sync one course at once), reads every page with nothing written, then
applies the changes and releases the lease in one commit; a failure releases the lease and records
the error, changing no membership.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import Flask
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import dialect_insert, rowcount, utcnow
from lti_tool.lti.keys import active_key
from lti_tool.lti.launch import NRPS_SCOPE, LaunchContext
from lti_tool.lti.models import Deployment, Platform
from lti_tool.lti.roles import ToolRole, canonical_roles
from lti_tool.lti.service_client import ServiceCallError, ServiceClient
from lti_tool.lti.state_store import StateStore
from lti_tool.people.models import Context, Membership, User
from lti_tool.rosters import domain
from lti_tool.rosters.models import RosterSync
from lti_tool.rosters.services.nrps_client import fetch_roster

log = logging.getLogger(__name__)
PII_FIELDS = ("name", "given_name", "family_name", "email")
IN_CHUNK = 500  # `IN (...)` lists stay well under every database's parameter limit
NO_SERVICE = "no roster address yet: a launch from this course must carry the NRPS claim"


@dataclass(frozen=True)
class SyncSettings:
    page_size: int = 100
    full_every_seconds: int = 7 * 24 * 3600
    lease_seconds: int = 600
    timeout_seconds: float = 10


@dataclass(frozen=True)
class SyncReport:
    kind: str | None = None
    pages: int = 0
    members_seen: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    error: str | None = None
    skipped: bool = False  # another sync of this course holds the lease

    @property
    def ok(self) -> bool:
        return self.error is None and not self.skipped


@dataclass(frozen=True)
class SyncTimes:
    """What a launch needs to know of a course's sync to tell whether one is due (`is_due`)."""

    synced_at: datetime | None
    attempted_at: datetime | None
    requested_at: datetime | None
    running_since: datetime | None
    last_error: str | None


_syncs = RosterSync.__table__
# Built once: every launch from a course with a roster address runs it.
_SYNC_OF_COURSE = select(
    _syncs.c.memberships_url,
    _syncs.c.synced_at,
    _syncs.c.attempted_at,
    _syncs.c.requested_at,
    _syncs.c.running_since,
    _syncs.c.last_error,
).where(_syncs.c.context_id == bindparam("context_pk"))


def remember_service(session: Session, launch: LaunchContext) -> SyncTimes | None:
    """Keep the course's NRPS address from a launch, so later syncs need no launch. One read, and
    a write only when the address is new or moved. Flushes."""
    if launch.context_pk is None or launch.nrps_url is None:
        return None
    row = session.execute(_SYNC_OF_COURSE, {"context_pk": launch.context_pk}).first()
    if row is None:
        session.execute(
            dialect_insert(session)(_syncs)
            .values(context_id=launch.context_pk, memberships_url=launch.nrps_url)
            .on_conflict_do_nothing(index_elements=[_syncs.c.context_id])
        )
        return SyncTimes(None, None, None, None, None)
    if row.memberships_url != launch.nrps_url:
        # A differences link belongs to the address that gave it.
        session.execute(
            update(_syncs)
            .where(_syncs.c.context_id == launch.context_pk)
            .values(memberships_url=launch.nrps_url, differences_url=None)
        )
    return SyncTimes(*row[1:])


def sync_times(session: Session, context_pk: int) -> SyncTimes | None:
    """The course's sync times without loading its row as an object (the course home's alert)."""
    row = session.execute(_SYNC_OF_COURSE, {"context_pk": context_pk}).first()
    return None if row is None else SyncTimes(*row[1:])


def sync_state(session: Session, context_pk: int) -> RosterSync | None:
    return session.scalar(select(RosterSync).where(RosterSync.context_id == context_pk))


def is_due(
    row: RosterSync | SyncTimes,
    now: datetime,
    *,
    max_age_seconds: int,
    retry_seconds: int,
    lease_seconds: int = 600,
) -> bool:
    """An automatic sync is due: the roster is older than the board's age, no sync is already
    waiting for a worker or running, and the last failed attempt (if any) is older than the retry
    delay, so an LMS that is down is not hammered."""
    if not domain.is_stale(row.synced_at, now, max_age_seconds):
        return False
    progress = progress_of(row, now, max_age_seconds, retry_seconds, lease_seconds)
    if progress.requested_at is not None or progress.running_since is not None:
        return False
    failed_recently = (
        row.last_error is not None
        and row.attempted_at is not None
        and now - row.attempted_at < timedelta(seconds=retry_seconds)
    )
    return not failed_recently


def request_sync(session: Session, context_pk: int, now: datetime) -> bool:
    """Mark the course's sync as asked for, before its job is queued; flushes. False: no roster
    address is known for the course yet."""
    row = sync_state(session, context_pk)
    if row is None:
        return False
    row.requested_at = now
    session.flush()
    return True


def due_courses(session: Session, now: datetime, config: Mapping[str, Any]) -> list[int]:
    """The courses the schedule syncs now (ROSTER_MAX_AGE_SECONDS, ROSTER_RETRY_SECONDS)."""
    rows = session.scalars(select(RosterSync).order_by(RosterSync.id))
    return [
        row.context_id
        for row in rows
        if is_due(
            row,
            now,
            max_age_seconds=int(config["ROSTER_MAX_AGE_SECONDS"]),
            retry_seconds=int(config["ROSTER_RETRY_SECONDS"]),
            lease_seconds=int(config["ROSTER_SYNC_LEASE_SECONDS"]),
        )
    ]


def progress_of(
    row: RosterSync | SyncTimes,
    now: datetime,
    max_age_seconds: int,
    retry_seconds: int,
    lease_seconds: int,
) -> domain.SyncProgress:
    return domain.sync_progress(
        synced_at=row.synced_at,
        attempted_at=row.attempted_at,
        requested_at=row.requested_at,
        running_since=row.running_since,
        failed=row.last_error is not None,
        now=now,
        max_age_seconds=max_age_seconds,
        retry_seconds=retry_seconds,
        lease_seconds=lease_seconds,
    )


def sync_course(
    session: Session,
    context_pk: int,
    *,
    http: requests.Session,
    store: StateStore,
    settings: SyncSettings,
    want_full: bool = False,
    now: Callable[[], datetime] = utcnow,
) -> SyncReport:
    """Sync one course's roster now; commits. The report says what changed or why nothing did."""
    started = now()
    if sync_state(session, context_pk) is None:
        return SyncReport(error=NO_SERVICE)
    if not _take_lease(session, context_pk, started, settings.lease_seconds):
        return SyncReport(skipped=True)
    row = sync_state(session, context_pk)
    if row is None:  # removed between the lease and now (the course was deleted)
        return SyncReport(error=NO_SERVICE)
    kind, url = domain.next_sync(
        memberships_url=row.memberships_url,
        differences_url=row.differences_url,
        full_synced_at=row.full_synced_at,
        now=started,
        full_every_seconds=settings.full_every_seconds,
        want_full=want_full,
    )
    row_id, course_id = row.id, row.context.context_id
    try:
        client = _client(session, row.context, store, http, settings.timeout_seconds)
        # Nothing is written yet: end the read transaction so none is open while the LMS answers.
        session.rollback()
        fetched = fetch_roster(client, url, page_size=settings.page_size)
    except ServiceCallError as error:
        return _record_failure(session, row_id, kind, str(error))
    if fetched.context_ids - {course_id}:
        # Never copy another course's people into this one, whatever address we were given.
        return _record_failure(
            session, row_id, kind, "the LMS answered with another course's roster"
        )
    row = session.get(RosterSync, row_id)
    if row is None:  # the course was deleted while the LMS answered
        return SyncReport(error=NO_SERVICE)
    try:
        report = _apply(session, row, fetched.members, kind, now(), client.issuer)
    except IntegrityError:  # a launch inserted one of these people meanwhile: next time wins
        return _record_failure(session, row_id, kind, "the course changed during the sync")
    finished = now()
    row.synced_at, row.last_kind, row.last_error = finished, kind, None
    row.differences_url = fetched.differences_url
    if kind == domain.FULL:
        row.full_synced_at = finished
    row.members_seen = len(fetched.members)
    row.added, row.updated, row.removed = report.added, report.updated, report.removed
    row.running_since = None
    session.commit()
    log.info(
        "roster synced",
        extra={
            "event": "rosters.synced",
            "context_pk": context_pk,
            "kind": kind,
            "pages": fetched.pages,
            "members": len(fetched.members),
        },
    )
    return SyncReport(
        kind, fetched.pages, len(fetched.members), report.added, report.updated, report.removed
    )


def _take_lease(session: Session, context_pk: int, now: datetime, lease_seconds: int) -> bool:
    """One atomic UPDATE: whoever changes the row holds the course until it finishes."""
    stale = now - timedelta(seconds=lease_seconds)
    result = session.execute(
        update(RosterSync)
        .where(
            RosterSync.context_id == context_pk,
            or_(RosterSync.running_since.is_(None), RosterSync.running_since < stale),
        )
        .values(running_since=now, attempted_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.expire_all()
    return rowcount(result) == 1


def _record_failure(session: Session, row_id: int, kind: str, error: str) -> SyncReport:
    session.rollback()
    row = session.get(RosterSync, row_id)
    if row is None:
        return SyncReport(kind=kind, error=error)
    row.last_error, row.last_kind, row.running_since = error, kind, None
    session.commit()
    log.warning(
        "roster sync failed",
        extra={"event": "rosters.failed", "context_pk": row.context_id, "error": error},
    )
    return SyncReport(kind=kind, error=error)


def _client(
    session: Session, context: Context, store: StateStore, http: requests.Session, timeout: float
) -> ServiceClient:
    deployment = session.get(Deployment, context.deployment_id)
    platform = session.get(Platform, deployment.platform_id) if deployment else None
    key = active_key(session)
    if platform is None or key is None:
        raise ServiceCallError(None, "no platform registration or no tool key")
    return ServiceClient(platform, key, (NRPS_SCOPE,), store, http, timeout=timeout)


@dataclass(frozen=True)
class _Counts:
    added: int
    updated: int
    removed: int


def _apply(
    session: Session,
    row: RosterSync,
    listed: dict[str, domain.RosterMember],
    kind: str,
    now: datetime,
    issuer: str,
) -> _Counts:
    context_pk = row.context_id
    current = {
        user.sub: (membership, user)
        for membership, user in session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.context_id == context_pk)
        )
    }
    changes = domain.plan_changes(
        {sub: membership.status for sub, (membership, _) in current.items()}, listed, kind=kind
    )
    users = _users_for(session, issuer, [member.sub for member in changes.added])
    for member in changes.added:
        user = users.get(member.sub)
        if user is None:
            user = User(issuer=issuer, sub=member.sub)
            session.add(user)
            users[member.sub] = user
        _copy_names(user, member)
    session.flush()
    for member in changes.added:
        role = member.tool_role or ToolRole.LEARNER
        session.add(
            Membership(
                context_id=context_pk,
                user_id=users[member.sub].id,
                role=role.value,
                lti_roles=canonical_roles(member.roles),
                mentee_subs=[],
                status=member.status,
                roster_seen_at=now,
            )
        )
    updated = 0
    for member in changes.updated:
        membership, user = current[member.sub]
        updated += _update(membership, user, member, now)
    for sub in changes.removed:
        current[sub][0].status = domain.DELETED
    session.flush()
    return _Counts(len(changes.added), updated, len(changes.removed))


def _users_for(session: Session, issuer: str, subs: list[str]) -> dict[str, User]:
    """Users of this platform already known (from a launch in another course, say)."""
    found: dict[str, User] = {}
    for chunk in _chunks(subs, IN_CHUNK):
        for user in session.scalars(select(User).where(User.issuer == issuer, User.sub.in_(chunk))):
            found[user.sub] = user
    return found


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _copy_names(user: User, member: domain.RosterMember) -> bool:
    """Names and email the LMS released; an LMS that withholds them never erases what we had."""
    changed = False
    for attribute in PII_FIELDS:
        value = getattr(member, attribute)
        if value and getattr(user, attribute) != value:
            setattr(user, attribute, value)
            changed = True
    if member.name is None and member.display_name and user.name != member.display_name:
        user.name = member.display_name
        changed = True
    return changed


def _update(membership: Membership, user: User, member: domain.RosterMember, now: datetime) -> bool:
    changed = _copy_names(user, member)
    if membership.status != member.status:
        membership.status = member.status
        changed = True
    role = member.tool_role
    roles = canonical_roles(member.roles)
    # Launch roles win (README, "Roles"): the roster sets the role only of people who have not
    # launched from this course. Moodle's non-editing teacher launches as Instructor (a module
    # permission) while NRPS lists him as Learner (the course role); syncing once demoted him.
    launched = membership.last_launch_at is not None
    if (
        role is not None
        and not launched
        and (membership.role != role.value or list(membership.lti_roles or ()) != roles)
    ):
        membership.role, membership.lti_roles = role.value, roles
        changed = True
    membership.roster_seen_at = now
    return changed


def settings_of(app: Flask) -> SyncSettings:
    config = app.config
    return SyncSettings(
        page_size=int(config["ROSTER_PAGE_SIZE"]),
        full_every_seconds=int(config["ROSTER_FULL_SYNC_SECONDS"]),
        lease_seconds=int(config["ROSTER_SYNC_LEASE_SECONDS"]),
        timeout_seconds=float(config["LTI_HTTP_TIMEOUT_SECONDS"]),
    )


def sync_now(
    session: Session, app: Flask, context_pk: int, *, want_full: bool = False
) -> SyncReport:
    """Run one course's sync with `app`'s settings and state store (for a job or the CLI)."""
    with requests.Session() as http:
        return sync_course(
            session,
            context_pk,
            http=http,
            store=app.extensions["lti_state_store"],
            settings=settings_of(app),
            want_full=want_full,
        )
