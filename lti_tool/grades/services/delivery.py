"""Record completion scores in the outbox, and deliver due ones to the LMS gradebook.

`record_completion` only flushes: the score is written in the transaction of the request that
earned it, marked as queued, and the request puts a job carrying its id on the queue once it has
committed (`grades.jobs`). Delivery runs in a worker and commits each record on its own (the
outbox's purpose: one LMS failure never loses another record's progress). The sweep
(`queue_due`) queues what is due and not queued — a retry whose wait is over, or a record whose
job was lost. The LMS side (which column, the calls themselves) is `line_items`.

Each score goes to its own module's column, never to the column of the link the learner came in
through: a learner who opened module A's link and completed module B from the module list earns a
score in B's column, and a web-builder link (which Moodle may give a column) never gets one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from flask import current_app
from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from lti_tool.db import utcnow
from lti_tool.grades import domain
from lti_tool.grades.domain import Status
from lti_tool.grades.models import ScoreRecord
from lti_tool.grades.services import line_items
from lti_tool.grades.services.ags_client import AgsCallError
from lti_tool.learning_modules.domain.modules import LINK_MODULE_PARAM
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.state_store import StateStore

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    record_ids: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed


def record_completion(
    session: Session,
    launch: LaunchContext,
    module_slug: str,
    *,
    label: str | None = None,
    now: datetime | None = None,
    awaiting_review: bool = False,
) -> ScoreRecord | None:
    """Record that the launch's learner completed `module_slug` (score 1 of 1), to send later.

    Returns None (and records nothing) when the launch has no course, user link or AGS score
    scope. Idempotent: one record per (platform, course, learner, module); a newer completion
    replaces a record still waiting, and one already delivered with the same score is left alone.
    `label` is the module title, used if the tool has to create the line item. With
    `awaiting_review` the score goes as PendingManual: a facilitator's review is still to come
    (`mark_reviewed` sends it again as FullyGraded).
    """
    ags = launch.ags
    if ags is None or launch.context_pk is None:
        return None
    own_link = domain.is_modules_own_link(module_slug, launch.custom.get(LINK_MODULE_PARAM))
    if not domain.has_scope(ags.scopes, domain.SCORE_SCOPE_SUFFIX) or not (
        ags.lineitems_url or (own_link and ags.lineitem_url)
    ):
        return None  # no gradebook this module's score could reach
    moment = _naive_utc(now or utcnow())
    record: ScoreRecord | None = session.scalar(
        select(ScoreRecord).where(
            ScoreRecord.platform_id == launch.platform_pk,
            ScoreRecord.context_id == launch.context_pk,
            ScoreRecord.user_id == launch.user_pk,
            ScoreRecord.module_slug == module_slug,
        )
    )
    score_given, score_maximum = 1.0, 1.0
    if record is None:
        record = ScoreRecord(
            platform_id=launch.platform_pk,
            context_id=launch.context_pk,
            user_id=launch.user_pk,
            module_slug=module_slug,
        )
        session.add(record)
    grading = "PendingManual" if awaiting_review else "FullyGraded"
    if (
        record.id is not None
        and record.status == Status.DELIVERED
        and record.score_given == score_given
        and record.score_maximum == score_maximum
        and record.grading_progress == grading
    ):
        return record
    own_link = domain.is_modules_own_link(module_slug, launch.custom.get(LINK_MODULE_PARAM))
    record.user_sub = launch.sub
    record.label = (label or module_slug)[:255]
    # The launch's link and its column are the module's only when the learner came in through the
    # module's own link; otherwise they belong to another module or to the web builder.
    record.resource_link_id = launch.resource_link_id if own_link else None
    record.scopes = list(ags.scopes)
    record.lineitems_url = ags.lineitems_url
    if own_link and ags.lineitem_url:
        record.lineitem_url = ags.lineitem_url
    record.score_given, record.score_maximum = score_given, score_maximum
    record.activity_progress, record.grading_progress = "Completed", grading
    _send_again(record, moment)
    session.flush()
    return record


def mark_reviewed(
    session: Session, *, platform_pk: int, context_pk: int, user_pk: int, module_slug: str
) -> ScoreRecord | None:
    """The facilitator reviewed a completed module: send its score again as FullyGraded.

    Nothing when no completion score was recorded (no gradebook for this link) or it already says
    FullyGraded. The score stays 1 of 1: reflections get feedback, never a rubric mark.
    """
    record: ScoreRecord | None = session.scalar(
        select(ScoreRecord).where(
            ScoreRecord.platform_id == platform_pk,
            ScoreRecord.context_id == context_pk,
            ScoreRecord.user_id == user_pk,
            ScoreRecord.module_slug == module_slug,
        )
    )
    if record is None or record.grading_progress == "FullyGraded":
        return None
    record.grading_progress = "FullyGraded"
    _send_again(record, _naive_utc(utcnow()))
    session.flush()
    return record


def _send_again(record: ScoreRecord, moment: datetime) -> None:
    record.revision = (record.revision or 0) + 1
    record.timestamp = moment
    record.status = Status.PENDING
    record.attempts = 0
    record.next_attempt_at = moment
    record.last_error = None
    record.delivered_at = None
    record.queued_at = moment  # the request queues its job after the commit


def deliver_pending(
    session: Session,
    now: datetime,
    http: requests.Session,
    *,
    context_pk: int | None = None,
    store: StateStore | None = None,
    policy: domain.DeliveryPolicy = domain.DEFAULT_POLICY,
) -> DeliveryReport:
    """Deliver every pending record due at `now` (optionally one course's), each on its own.

    For operators (`flask grades deliver`): the workers deliver through the queue instead.
    """
    now = _naive_utc(now)
    query = select(ScoreRecord.id).where(
        ScoreRecord.status == Status.PENDING,
        or_(ScoreRecord.next_attempt_at.is_(None), ScoreRecord.next_attempt_at <= now),
    )
    if context_pk is not None:
        query = query.where(ScoreRecord.context_id == context_pk)
    record_ids = list(session.scalars(query.order_by(ScoreRecord.id)))
    session.commit()  # no transaction stays open across the LMS calls below
    report = DeliveryReport()
    for record_id in record_ids:
        status = deliver_one(session, record_id, now, http, store=store, policy=policy)
        _count(report, record_id, status)
    return report


def deliver_one(
    session: Session,
    record_id: int,
    now: datetime,
    http: requests.Session,
    *,
    store: StateStore | None = None,
    policy: domain.DeliveryPolicy = domain.DEFAULT_POLICY,
) -> Status | None:
    """Try one pending record that is due at `now`. None if it was not tried.

    Three steps, and no database transaction is open during the LMS calls: claim the record (one
    UPDATE that only one worker can win, committed), send it, then write the outcome — unless the
    score was recorded again meanwhile, in which case the newer revision stays pending.
    """
    now = _naive_utc(now)
    claimed = line_items.claim(session, record_id, now, policy.claim_seconds)
    if claimed is None:
        return None
    try:
        line_items.send(
            session, claimed, http, store or current_app.extensions["lti_state_store"], now
        )
    except line_items.ColumnBeingCreatedError:
        line_items.postpone(session, claimed, now + timedelta(seconds=domain.COLUMN_WAIT_SECONDS))
        return Status.PENDING
    except AgsCallError as error:
        status, next_attempt = domain.after_failure(
            claimed.attempts, error.status, now, policy, retry_after=error.retry_after
        )
        line_items.finish(session, claimed, status, next_attempt, str(error), now)
        log.warning(
            "grade %s not delivered (attempt %s, HTTP %s)",
            record_id,
            claimed.attempts,
            error.status,
        )
        return status
    except Exception:
        session.rollback()
        line_items.release(session, claimed)
        raise
    line_items.finish(session, claimed, Status.DELIVERED, None, None, now)
    return Status.DELIVERED


def seconds_until_due(session: Session, record_id: int, now: datetime) -> float | None:
    """How soon a pending record is due again (None: not pending, or no time set)."""
    due: datetime | None = session.scalar(
        select(ScoreRecord.next_attempt_at).where(
            ScoreRecord.id == record_id, ScoreRecord.status == Status.PENDING
        )
    )
    session.commit()
    if due is None:
        return None
    return max(0.0, (due - _naive_utc(now)).total_seconds())


def retry_course(session: Session, context_pk: int, now: datetime) -> list[int]:
    """A facilitator's "Retry now": waiting and failed records get a fresh round, due now.

    Commits, and returns the ids whose jobs the caller queues: the request waits for no LMS.
    """
    requeue(session, _naive_utc(now), context_pk=context_pk)
    session.commit()
    return queue_due(session, now, lost_after_seconds=0, context_pk=context_pk)


def queue_due(
    session: Session,
    now: datetime,
    *,
    lost_after_seconds: int,
    limit: int = 1000,
    context_pk: int | None = None,
) -> list[int]:
    """Mark as queued the pending records due at `now` that no job holds; commits; their ids.

    A record already queued counts as lost, and is queued again, once `lost_after_seconds` have
    passed without any job trying it. Claimed records are left to the worker sending them.
    """
    now = _naive_utc(now)
    lost_before = now - timedelta(seconds=lost_after_seconds)
    query = (
        select(ScoreRecord.id)
        .where(
            ScoreRecord.status == Status.PENDING,
            or_(ScoreRecord.next_attempt_at.is_(None), ScoreRecord.next_attempt_at <= now),
            or_(ScoreRecord.claimed_until.is_(None), ScoreRecord.claimed_until <= now),
            or_(ScoreRecord.queued_at.is_(None), ScoreRecord.queued_at <= lost_before),
        )
        .order_by(ScoreRecord.next_attempt_at, ScoreRecord.id)
        .limit(limit)
    )
    if context_pk is not None:
        query = query.where(ScoreRecord.context_id == context_pk)
    record_ids = list(session.scalars(query))
    for chunk in _chunks(record_ids, 500):
        session.execute(
            update(ScoreRecord)
            .where(ScoreRecord.id.in_(chunk))
            .values(queued_at=now)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return record_ids


def unqueue(session: Session, record_ids: list[int]) -> None:
    """The queue refused these records' jobs: let the next sweep queue them; commits."""
    for chunk in _chunks(record_ids, 500):
        session.execute(
            update(ScoreRecord)
            .where(ScoreRecord.id.in_(chunk), ScoreRecord.claimed_until.is_(None))
            .values(queued_at=None)
            .execution_options(synchronize_session=False)
        )
    session.commit()


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def requeue(
    session: Session, now: datetime, *, context_pk: int | None = None, record_id: int | None = None
) -> int:
    """Make waiting and failed records due now (a fresh round of attempts); returns how many."""
    query = select(ScoreRecord).where(ScoreRecord.status != Status.DELIVERED)
    if context_pk is not None:
        query = query.where(ScoreRecord.context_id == context_pk)
    if record_id is not None:
        query = query.where(ScoreRecord.id == record_id)
    count = 0
    for record in session.scalars(query):
        if record.status == Status.FAILED:
            record.attempts = 0
        record.status, record.next_attempt_at = Status.PENDING, _naive_utc(now)
        count += 1
    session.flush()
    return count


def policy_of(config: Mapping[str, Any]) -> domain.DeliveryPolicy:
    """The delivery settings (GRADE_CLAIM_SECONDS, GRADE_RETRY_BACKOFF_SECONDS, GRADE_MAX_ATTEMPTS)."""
    return domain.DeliveryPolicy(
        claim_seconds=int(config["GRADE_CLAIM_SECONDS"]),
        backoff_seconds=tuple(int(seconds) for seconds in config["GRADE_RETRY_BACKOFF_SECONDS"]),
        max_attempts=int(config["GRADE_MAX_ATTEMPTS"]),
    )


PAGE_SIZE = 50


@dataclass(frozen=True)
class RecordsPage:
    """One page of a course's scores for the facilitator, and how many there are of each state."""

    records: list[ScoreRecord]
    counts: dict[str, int]  # by status, the whole course
    number: int  # 1-based, clamped to the pages there are
    pages: int
    total: int  # with the filter


def course_records(
    session: Session,
    context_pk: int,
    *,
    status: str | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> RecordsPage:
    """The course's scores, refused first, then waiting, then delivered (each oldest first),
    optionally of one `status`; one page of them. Three queries whatever the course's size: the
    counts, the page (with each learner), and nothing in Python grows with the course."""
    counts = {
        str(state): int(n)
        for state, n in session.execute(
            select(ScoreRecord.status, func.count(ScoreRecord.id))
            .where(ScoreRecord.context_id == context_pk)
            .group_by(ScoreRecord.status)
        )
    }
    total = counts.get(status, 0) if status else sum(counts.values())
    pages = max(1, -(-total // size))
    number = min(max(page, 1), pages)
    order = case(
        (ScoreRecord.status == Status.FAILED, 0),
        (ScoreRecord.status == Status.PENDING, 1),
        else_=2,
    )
    query = (
        select(ScoreRecord)
        .options(joinedload(ScoreRecord.user))
        .where(ScoreRecord.context_id == context_pk)
        .order_by(order, ScoreRecord.id)
        .offset((number - 1) * size)
        .limit(size)
    )
    if status:
        query = query.where(ScoreRecord.status == status)
    return RecordsPage(list(session.scalars(query)), counts, number, pages, total)


def failed_count(session: Session, context_pk: int) -> int:
    """How many of the course's scores the LMS refused for good (the course home's alert)."""
    found: int | None = session.scalar(_FAILED_COUNT, {"context_pk": context_pk})
    return found or 0


# Table columns, not ORM attributes: a statement over mapped attributes goes through the
# ORM's compile and result setup on every execution, which a plain row does not need.
_scores = ScoreRecord.__table__
# Built once: every facilitator's course home asks.
_FAILED_COUNT = select(func.count(_scores.c.id)).where(
    _scores.c.context_id == bindparam("context_pk"), _scores.c.status == Status.FAILED
)


def list_records(session: Session, *, pending_only: bool = False) -> list[ScoreRecord]:
    query = select(ScoreRecord).order_by(ScoreRecord.id)
    if pending_only:
        query = query.where(ScoreRecord.status == Status.PENDING)
    return list(session.scalars(query))


def _count(report: DeliveryReport, record_id: int, status: Status | None) -> None:
    if status is None:
        return
    report.record_ids.append(record_id)
    if status == Status.DELIVERED:
        report.delivered += 1
    elif status == Status.FAILED:
        report.failed += 1
    else:
        report.retrying += 1


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
