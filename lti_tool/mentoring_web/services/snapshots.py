"""Growth over time: snapshots of a web, and comparing two of them ("September vs. May").

A snapshot is an immutable copy of the web (`web_to_json`) with the score computed when it
was taken. It is taken when the learner asks, and at module milestones through
`take_milestone_snapshot`, the one entry point the mini-modules feature calls. Like `services`,
every function works only on the web of the launch's user in the launch's course: a snapshot id
from anyone else's web is "not found". Functions flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.errors import ConflictError, NotFoundError
from lti_tool.limits import limit
from lti_tool.lti.launch import LaunchContext
from lti_tool.mentoring_web.domain.export import (
    WebDataError,
    snapshot_from_json,
    web_from_json,
    web_to_json,
)
from lti_tool.mentoring_web.domain.facts import SnapshotFacts, WebFacts
from lti_tool.mentoring_web.domain.growth import Comparison, compare, snapshot_of
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.models import WebOwner, WebSnapshot
from lti_tool.mentoring_web.services import web as services

REQUESTED = "requested"
MODULE_PREFIX = "module:"
REASON_MAX = 60  # WebSnapshot.reason's column length


def take_snapshot(
    session: Session, owner: WebOwner, reason: str, today: date, display_name: str = ""
) -> WebSnapshot:
    """Freeze this web as it is now, with its score on `today`.

    The centre card's display name is not kept unless given: a snapshot is the web's history, and
    the name comes from the LMS at each launch anyway.
    """
    if not reason or len(reason) > REASON_MAX:
        raise ValueError(f"a snapshot reason is 1 to {REASON_MAX} characters: {reason!r}")
    most = limit("WEB_MAX_SNAPSHOTS")
    if _count(session, owner) >= most:
        raise SnapshotsFullError(
            _l(
                "A web keeps up to %(limit)d snapshots, and yours has them all. The ones you have "
                "still show how your web grew; compare two of them on this page.",
                limit=most,
            )
        )
    web = services.web_facts(owner, display_name)
    score = web_score(web, today)
    snapshot = WebSnapshot(
        owner_id=owner.id,
        taken_at=utcnow(),
        reason=reason,
        web=web_to_json(web, score),
        total=score.total,
        band=score.band.value,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


class SnapshotsFullError(ConflictError):
    """The web already has WEB_MAX_SNAPSHOTS snapshots."""

    code = "snapshots-full"


def _count(session: Session, owner: WebOwner) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(WebSnapshot).where(WebSnapshot.owner_id == owner.id)
        )
        or 0
    )


def take_milestone_snapshot(
    session: Session, launch: LaunchContext, module_slug: str
) -> WebSnapshot | None:
    """Snapshot the launch user's web when they complete the module `module_slug`.

    For the mini-modules feature. Reason `module:<slug>`. Returns None, writing nothing, when the
    user has not started a web in this course (there is no growth to record yet); completing a
    module again returns the snapshot already taken for it, so a milestone is recorded once.
    """
    reason = MODULE_PREFIX + module_slug
    owner = services.find_own_web(session, launch)
    if owner is None:
        return None
    existing: WebSnapshot | None = session.scalar(
        select(WebSnapshot)
        .where(WebSnapshot.owner_id == owner.id, WebSnapshot.reason == reason)
        .order_by(WebSnapshot.id)
        .limit(1)
    )
    if existing is not None:
        return existing
    if _count(session, owner) >= limit("WEB_MAX_SNAPSHOTS"):
        return None  # a full history is kept as it is; the completion itself still counts
    return take_snapshot(session, owner, reason, utcnow().date())


def list_snapshots(session: Session, owner: WebOwner | None) -> list[WebSnapshot]:
    """This web's snapshots, newest first."""
    if owner is None:
        return []
    return list(
        session.scalars(
            select(WebSnapshot)
            .where(WebSnapshot.owner_id == owner.id)
            .order_by(WebSnapshot.taken_at.desc(), WebSnapshot.id.desc())
        )
    )


def own_snapshot(session: Session, owner: WebOwner | None, snapshot_id: int) -> WebSnapshot:
    """A snapshot of this web; any other id (another person's snapshot included) is "not found"."""
    snapshot: WebSnapshot | None = (
        session.scalar(
            select(WebSnapshot).where(
                WebSnapshot.id == snapshot_id, WebSnapshot.owner_id == owner.id
            )
        )
        if owner is not None
        else None
    )
    if snapshot is None:
        raise NotFoundError(_l("There is no such snapshot of your web."), code="snapshot-not-found")
    return snapshot


def snapshot_facts(snapshot: WebSnapshot) -> SnapshotFacts:
    """The stored web, read back through the strand rules, with its score as of when it was taken."""
    try:
        return snapshot_from_json(snapshot.web, snapshot.taken_at)
    except WebDataError as error:
        raise ConflictError(
            _l("This snapshot can no longer be read, so it cannot be compared."),
            code="snapshot-unreadable",
        ) from error


def snapshot_web(snapshot: WebSnapshot) -> WebFacts:
    """The web as it was, centre card included, to draw its picture."""
    try:
        return web_from_json(snapshot.web)
    except WebDataError as error:
        raise ConflictError(
            _l("This snapshot can no longer be read, so it cannot be compared."),
            code="snapshot-unreadable",
        ) from error


@dataclass(frozen=True)
class Growth:
    """Two moments of one web, earlier first; `later` is None when it is the web as it is now."""

    earlier: WebSnapshot
    later: WebSnapshot | None
    comparison: Comparison
    web_then: WebFacts
    web_now: WebFacts


def compare_snapshots(
    session: Session,
    owner: WebOwner | None,
    earlier_id: int,
    later_id: int | None,
    current: WebFacts,
    now: datetime,
) -> Growth:
    """Compare two of this web's snapshots, or one with the web as it is `now` (later_id None).

    The two are put in time order whichever way they were chosen, so "gained" always means
    gained since the earlier one.
    """
    first = own_snapshot(session, owner, earlier_id)
    second = own_snapshot(session, owner, later_id) if later_id is not None else None
    if second is not None and (second.taken_at, second.id) < (first.taken_at, first.id):
        first, second = second, first
    then = snapshot_facts(first)
    if second is None:
        later_facts, web_now = snapshot_of(current.strands, now), current
    else:
        later_facts, web_now = snapshot_facts(second), snapshot_web(second)
    return Growth(
        earlier=first,
        later=second,
        comparison=compare(then, later_facts),
        web_then=snapshot_web(first),
        web_now=web_now,
    )
