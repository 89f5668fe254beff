"""Record completion scores in the outbox, and deliver due ones to the LMS gradebook.

`record_completion` only flushes: the score is written in the transaction of the request that
earned it. Delivery commits each record on its own (the outbox's purpose: one LMS failure never
loses another record's progress), so callers run it after their own commit — from the CLI, the
facilitator's "Retry now", or right after a completion via `deliver_after_commit`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.grades import domain
from lti_tool.grades.ags_client import AgsCallError, AgsClient
from lti_tool.grades.domain import Status
from lti_tool.grades.models import ScoreRecord
from lti_tool.lti.keys import active_key
from lti_tool.lti.launch import LaunchContext
from lti_tool.lti.models import Platform
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
    if (
        ags is None
        or launch.context_pk is None
        or not domain.has_scope(ags.scopes, domain.SCORE_SCOPE_SUFFIX)
        or not (ags.lineitem_url or ags.lineitems_url)
    ):
        return None
    moment = _naive_utc(now or utcnow())
    record = session.scalar(
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
    record.user_sub = launch.sub
    record.label = (label or module_slug)[:255]
    record.resource_link_id = launch.resource_link_id
    record.scopes = list(ags.scopes)
    record.lineitems_url = ags.lineitems_url
    if ags.lineitem_url or record.lineitem_url is None:
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
    record = session.scalar(
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
    record.timestamp = moment
    record.status = Status.PENDING
    record.attempts = 0
    record.next_attempt_at = moment
    record.last_error = None
    record.delivered_at = None


def deliver_pending(
    session: Session,
    now: datetime,
    http: requests.Session,
    *,
    context_pk: int | None = None,
    store: StateStore | None = None,
) -> DeliveryReport:
    """Deliver every pending record due at `now` (optionally one course's), committing each."""
    now = _naive_utc(now)
    query = select(ScoreRecord.id).where(
        ScoreRecord.status == Status.PENDING,
        or_(ScoreRecord.next_attempt_at.is_(None), ScoreRecord.next_attempt_at <= now),
    )
    if context_pk is not None:
        query = query.where(ScoreRecord.context_id == context_pk)
    report = DeliveryReport()
    for record_id in list(session.scalars(query.order_by(ScoreRecord.id))):
        _count(report, record_id, deliver_one(session, record_id, now, http, store=store))
    return report


def deliver_one(
    session: Session,
    record_id: int,
    now: datetime,
    http: requests.Session,
    *,
    store: StateStore | None = None,
) -> Status | None:
    """Try one pending record that is due at `now`, and commit the outcome. None if not tried."""
    now = _naive_utc(now)
    record = session.get(ScoreRecord, record_id)
    if record is None or record.status != Status.PENDING:
        return None
    if record.next_attempt_at is not None and record.next_attempt_at > now:
        return None  # backing off: never hammer an LMS that is down
    record.attempts += 1
    try:
        _deliver(session, record, http, store or current_app.extensions["lti_state_store"])
    except AgsCallError as error:
        record.status, record.next_attempt_at = domain.after_failure(
            record.attempts, error.status, now
        )
        record.last_error = str(error)
        log.info("grade %s not delivered (attempt %s): %s", record.id, record.attempts, error)
    else:
        record.status, record.delivered_at = Status.DELIVERED, now
        record.next_attempt_at, record.last_error = None, None
    status = Status(record.status)
    session.commit()
    return status


def retry_course(
    session: Session, context_pk: int, now: datetime, http: requests.Session
) -> DeliveryReport:
    """A facilitator's "Retry now": failed records get a fresh round, then the course's due ones go."""
    now = _naive_utc(now)
    waiting = session.scalars(
        select(ScoreRecord).where(
            ScoreRecord.context_id == context_pk, ScoreRecord.status != Status.DELIVERED
        )
    )
    for record in waiting:
        if record.status == Status.FAILED:
            record.attempts = 0
        record.status, record.next_attempt_at = Status.PENDING, now
    session.commit()
    return deliver_pending(session, now, http, context_pk=context_pk)


def deliver_after_commit(session: Session, record: ScoreRecord | None) -> None:
    """Try a just-committed record at once; any failure leaves it pending for the next run."""
    if record is None:
        return
    try:
        with requests.Session() as http:
            deliver_one(session, record.id, utcnow(), http)
    except Exception:  # the score is safe in the outbox; the CLI delivers it later
        log.exception("immediate grade delivery failed for record %s", record.id)
        session.rollback()


def course_records(session: Session, context_pk: int) -> list[ScoreRecord]:
    """The course's records for the facilitator page: waiting and failed first, then delivered."""
    records = session.scalars(
        select(ScoreRecord).where(ScoreRecord.context_id == context_pk).order_by(ScoreRecord.id)
    )
    order = {Status.FAILED: 0, Status.PENDING: 1, Status.DELIVERED: 2}
    return sorted(records, key=lambda r: (order.get(Status(r.status), 3), r.id))


def list_records(session: Session, *, pending_only: bool = False) -> list[ScoreRecord]:
    query = select(ScoreRecord).order_by(ScoreRecord.id)
    if pending_only:
        query = query.where(ScoreRecord.status == Status.PENDING)
    return list(session.scalars(query))


def _deliver(
    session: Session, record: ScoreRecord, http: requests.Session, store: StateStore
) -> None:
    platform = session.get(Platform, record.platform_id)
    key = active_key(session)
    if platform is None or key is None:
        raise AgsCallError(None, "no platform registration or no tool key")
    client = AgsClient(platform, key, _scopes(record), store, http)
    if record.lineitem_url is None:
        if record.lineitems_url is None:
            raise AgsCallError(None, "the launch named no line item")
        found = client.find_line_item(
            record.lineitems_url, record.resource_link_id, record.module_slug
        )
        if found is None:
            if not domain.has_scope(record.scopes, domain.LINEITEM_SCOPE_SUFFIX):
                raise AgsCallError(None, "no line item, and no scope to create one")
            found = client.create_line_item(
                record.lineitems_url,
                domain.line_item_payload(record.label, record.resource_link_id, record.module_slug),
            )
        record.lineitem_url = found  # kept even if the score fails, so a retry reuses it
    client.post_score(record.lineitem_url, domain.score_payload(_score(record)))


def _scopes(record: ScoreRecord) -> tuple[str, ...]:
    """Score and line item scopes, the same set for every record: one cached token serves all."""
    wanted = (domain.SCORE_SCOPE_SUFFIX, domain.LINEITEM_SCOPE_SUFFIX)
    return tuple(sorted(s for s in record.scopes if any(s.endswith(w) for w in wanted)))


def _score(record: ScoreRecord) -> domain.Score:
    return domain.Score(
        user_id=record.user_sub,
        score_given=record.score_given,
        score_maximum=record.score_maximum,
        timestamp=record.timestamp,
        activity_progress=record.activity_progress,
        grading_progress=record.grading_progress,
    )


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
