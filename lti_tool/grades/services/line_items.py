"""The LMS side of a score: which column it goes to, and the calls that put it there.

A record is claimed, sent and finished in three steps so that no database transaction is open while
the LMS is called (on SQLite an open write transaction would hold the lock for everyone else):

1. `claim`: one UPDATE that only one worker can win (due, pending, not held by another worker),
   then a copy of what the calls need; committed.
2. `send`: the module's column — the one its own deep-linked launch named, else the one this tool
   remembered, else found on the LMS by `resourceId`, else created once — and the score POST.
   Database reads and writes here are short transactions of their own, between the calls.
3. `finish`: the outcome, written only if the score was not recorded again meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.db import rowcount
from lti_tool.grades import domain
from lti_tool.grades.domain import Status
from lti_tool.grades.models import ModuleLineItem, ScoreRecord
from lti_tool.grades.services.ags_client import AgsCallError, AgsClient
from lti_tool.lti.keys import active_key
from lti_tool.lti.models import Platform
from lti_tool.lti.state_store import StateStore


class ColumnBeingCreatedError(AgsCallError):
    """Another worker is creating this module's column right now: not a failure, a short wait.

    On a PD day a course's first scores for a module arrive together; one worker creates the
    column and the others try again seconds later, without spending an attempt.
    """


@dataclass(frozen=True)
class ClaimedScore:
    """What one delivery needs, copied out of the record it claimed."""

    record_id: int
    revision: int
    attempts: int
    platform_id: int
    context_id: int
    module_slug: str
    label: str
    resource_link_id: str | None  # only when the learner came in through the module's own link
    scopes: tuple[str, ...]
    lineitems_url: str | None
    lineitem_url: str | None  # the module's own link's column, from its launch
    score: domain.Score


def claim(
    session: Session, record_id: int, now: datetime, claim_seconds: int = domain.CLAIM_SECONDS
) -> ClaimedScore | None:
    """Take one due, pending record for this worker, or None if it is not due or another has it."""
    result = session.execute(
        update(ScoreRecord)
        .where(
            ScoreRecord.id == record_id,
            ScoreRecord.status == Status.PENDING,
            or_(ScoreRecord.next_attempt_at.is_(None), ScoreRecord.next_attempt_at <= now),
            or_(ScoreRecord.claimed_until.is_(None), ScoreRecord.claimed_until <= now),
        )
        .values(
            claimed_until=now + timedelta(seconds=claim_seconds),
            attempts=ScoreRecord.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        session.commit()
        return None
    record = session.execute(
        select(ScoreRecord)
        .where(ScoreRecord.id == record_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    claimed = ClaimedScore(
        record_id=record.id,
        revision=record.revision,
        attempts=record.attempts,
        platform_id=record.platform_id,
        context_id=record.context_id,
        module_slug=record.module_slug,
        label=record.label,
        resource_link_id=record.resource_link_id,
        scopes=_scopes(record.scopes),
        lineitems_url=record.lineitems_url,
        lineitem_url=record.lineitem_url,
        score=domain.Score(
            user_id=record.user_sub,
            score_given=record.score_given,
            score_maximum=record.score_maximum,
            timestamp=record.timestamp,
            activity_progress=record.activity_progress,
            grading_progress=record.grading_progress,
        ),
    )
    session.commit()
    return claimed


def send(
    session: Session,
    claimed: ClaimedScore,
    http: requests.Session,
    store: StateStore,
    now: datetime,
) -> str:
    """Put the claimed score in its module's column; returns the column's URL."""
    client = _client(session, claimed, http, store)
    url, remembered = claimed.lineitem_url, False
    if url is not None:
        _remember(session, claimed, url)
    else:
        url = _remembered(session, claimed)
        remembered = url is not None
    if url is None:
        url = _find_or_create(session, client, claimed, now)
    payload = domain.score_payload(claimed.score)
    try:
        client.post_score(url, payload)
    except AgsCallError as error:
        if not (remembered and error.status in (404, 410)):
            raise
        # The column this tool remembered was deleted in the LMS: find or make it again, once.
        _forget(session, claimed)
        url = _find_or_create(session, client, claimed, now)
        client.post_score(url, payload)
    return url


def finish(
    session: Session,
    claimed: ClaimedScore,
    status: Status,
    next_attempt_at: datetime | None,
    error: str | None,
    now: datetime,
) -> None:
    """Write the outcome and let go of the record; a newer revision stays pending, untouched."""
    values: dict[str, object] = {
        "status": status,
        "next_attempt_at": next_attempt_at,
        "last_error": error,
        "claimed_until": None,
        "queued_at": None,  # this attempt's job is done: the sweep may queue the next one
    }
    if status == Status.DELIVERED:
        values["delivered_at"] = now
    result = session.execute(
        update(ScoreRecord)
        .where(ScoreRecord.id == claimed.record_id, ScoreRecord.revision == claimed.revision)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        release(session, claimed)
        return
    session.commit()


def postpone(session: Session, claimed: ClaimedScore, until: datetime) -> None:
    """Let go of a record without counting the attempt; it is due again at `until`."""
    result = session.execute(
        update(ScoreRecord)
        .where(ScoreRecord.id == claimed.record_id, ScoreRecord.revision == claimed.revision)
        .values(
            claimed_until=None,
            queued_at=None,
            next_attempt_at=until,
            attempts=ScoreRecord.attempts - 1,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:  # recorded again meanwhile: the newer revision is due already
        release(session, claimed)
        return
    session.commit()


def release(session: Session, claimed: ClaimedScore) -> None:
    """Let go of a record without an outcome (an unexpected error): it is tried again when due."""
    session.execute(
        update(ScoreRecord)
        .where(ScoreRecord.id == claimed.record_id)
        .values(claimed_until=None, queued_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _client(
    session: Session, claimed: ClaimedScore, http: requests.Session, store: StateStore
) -> AgsClient:
    platform = session.get(Platform, claimed.platform_id)
    key = active_key(session)
    if platform is None or key is None:
        session.commit()
        raise AgsCallError(None, "no platform registration or no tool key")
    session.expunge(platform)  # read-only copies: nothing below may start a transaction
    session.expunge(key)
    session.commit()
    return AgsClient(platform, key, claimed.scopes, store, http)


def _find_or_create(
    session: Session, client: AgsClient, claimed: ClaimedScore, now: datetime
) -> str:
    if claimed.lineitems_url is None:
        raise AgsCallError(None, "the launch named no line item container")
    found = client.find_line_item(claimed.lineitems_url, claimed.module_slug)
    if found is not None:
        _remember(session, claimed, found)
        return found
    if not domain.has_scope(claimed.scopes, domain.LINEITEM_SCOPE_SUFFIX):
        raise AgsCallError(None, "no line item, and no scope to create one")
    if not _claim_creation(session, claimed, now):
        raise ColumnBeingCreatedError(
            None, "the module's column is being created; trying again shortly"
        )
    try:
        created = client.create_line_item(
            claimed.lineitems_url,
            domain.line_item_payload(claimed.label, claimed.resource_link_id, claimed.module_slug),
        )
    except Exception:
        _end_creation(session, claimed)
        raise
    _remember(session, claimed, created)
    return created


def _where(claimed: ClaimedScore) -> tuple[ColumnElement[bool], ...]:
    return (
        ModuleLineItem.platform_id == claimed.platform_id,
        ModuleLineItem.context_id == claimed.context_id,
        ModuleLineItem.module_slug == claimed.module_slug,
    )


def _remembered(session: Session, claimed: ClaimedScore) -> str | None:
    url = session.scalar(select(ModuleLineItem.lineitem_url).where(*_where(claimed)))
    session.commit()
    return url


def _remember(session: Session, claimed: ClaimedScore, url: str) -> None:
    """Keep the module's column for every later score of the course, whoever earns it."""
    result = session.execute(
        update(ModuleLineItem)
        .where(*_where(claimed))
        .values(lineitem_url=url, creating_until=None)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) == 0:
        session.add(_row(claimed, lineitem_url=url))
    try:
        session.commit()
    except IntegrityError:  # another worker remembered it first: theirs is the same column
        session.rollback()


def _forget(session: Session, claimed: ClaimedScore) -> None:
    session.execute(
        update(ModuleLineItem)
        .where(*_where(claimed))
        .values(lineitem_url=None, creating_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _claim_creation(session: Session, claimed: ClaimedScore, now: datetime) -> bool:
    """Whether this worker may create the column: only one may, until its claim runs out."""
    until = now + timedelta(seconds=domain.CLAIM_SECONDS)
    result = session.execute(
        update(ModuleLineItem)
        .where(
            *_where(claimed),
            ModuleLineItem.lineitem_url.is_(None),
            or_(ModuleLineItem.creating_until.is_(None), ModuleLineItem.creating_until <= now),
        )
        .values(creating_until=until)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) == 1:
        session.commit()
        return True
    exists = session.scalar(select(ModuleLineItem.id).where(*_where(claimed)))
    if exists is not None:
        session.commit()
        return False
    session.add(_row(claimed, creating_until=until))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _end_creation(session: Session, claimed: ClaimedScore) -> None:
    session.execute(
        update(ModuleLineItem)
        .where(*_where(claimed), ModuleLineItem.lineitem_url.is_(None))
        .values(creating_until=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _row(claimed: ClaimedScore, **values: object) -> ModuleLineItem:
    return ModuleLineItem(
        platform_id=claimed.platform_id,
        context_id=claimed.context_id,
        module_slug=claimed.module_slug,
        **values,
    )


def _scopes(scopes: list[str]) -> tuple[str, ...]:
    """Score and line item scopes, the same set for every record: one cached token serves all."""
    wanted = (domain.SCORE_SCOPE_SUFFIX, domain.LINEITEM_SCOPE_SUFFIX)
    return tuple(sorted(s for s in scopes if any(s.endswith(w) for w in wanted)))
