"""The grade outbox's jobs: one delivery per queued record, and the sweep that finds the rest.

A request queues `deliver_score(record_id)` after its commit. The sweep runs at every look of the
schedule (JOBS_PERIODIC_CHECK_SECONDS, a minute by default) and queues each record that is due and
has no job: a retry whose wait is over, or one whose job was lost. Two jobs for one record are
harmless: only one worker can claim it (`line_items.claim`).
"""

from __future__ import annotations

import requests
from flask import current_app

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades.domain import Status
from lti_tool.grades.services import delivery
from lti_tool.jobs.queue import enqueue, every_check, job, periodic, queue

SOON_SECONDS = 10  # a retry due sooner than this is scheduled on the queue, not left to the sweep


@job
def deliver_score(record_id: int) -> None:
    """Send one recorded score, if it is still due; failures are written on the record.

    A retry due within seconds (the module's column was being created by another worker) is
    scheduled on the queue; longer waits are the sweep's.
    """
    now = utcnow()
    with requests.Session() as http:
        status = delivery.deliver_one(
            db.session, record_id, now, http, policy=delivery.policy_of(current_app.config)
        )
    if status != Status.PENDING:
        return
    wait = delivery.seconds_until_due(db.session, record_id, utcnow())
    if wait is not None and wait <= SOON_SECONDS and not queue.immediate:
        deliver_score.schedule((record_id,), delay=wait)


@periodic(every_check, every="JOBS_PERIODIC_CHECK_SECONDS", lease_seconds=300)
def sweep_grades() -> None:
    """Queue every due record that no job holds."""
    config = current_app.config
    record_ids = delivery.queue_due(
        db.session,
        utcnow(),
        lost_after_seconds=int(config["GRADE_REQUEUE_AFTER_SECONDS"]),
        limit=int(config["GRADE_SWEEP_BATCH"]),
    )
    queue_deliveries(record_ids)


def queue_deliveries(record_ids: list[int]) -> None:
    """Queue one delivery job per record; any the queue refuses are left for the next sweep."""
    refused = [record_id for record_id in record_ids if not enqueue(deliver_score, record_id)]
    if refused:
        delivery.unqueue(db.session, refused)
