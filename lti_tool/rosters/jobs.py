"""Roster syncs in the worker: one course on request, and every due course each hour.

A facilitator's launch (when the roster is due) and "Sync now" mark the sync requested and queue
`sync_roster`; the request never waits on the LMS. The course's lease (`running_since`) keeps two
workers from syncing one course at once, so a repeated job is harmless.
"""

from __future__ import annotations

import logging

from flask import current_app
from huey import crontab

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.jobs.queue import enqueue, job, periodic
from lti_tool.rosters.services import sync as services

log = logging.getLogger(__name__)


@job
def sync_roster(context_pk: int, want_full: bool = False) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        services.sync_now(db.session, app, context_pk, want_full=want_full)
    except Exception:  # logged with its id; the lease lapses and the schedule tries again
        db.session.rollback()
        log.exception("roster sync crashed", extra={"context_pk": context_pk})


@periodic(crontab(minute="5"), every=3600, lease_seconds=900)
def sync_due_rosters() -> None:
    """Queue a sync of every course whose roster is older than ROSTER_MAX_AGE_SECONDS."""
    now = utcnow()
    for context_pk in services.due_courses(db.session, now, current_app.config):
        services.request_sync(db.session, context_pk, now)
        db.session.commit()
        enqueue(sync_roster, context_pk)


def queue_sync(context_pk: int, *, want_full: bool = False) -> bool:
    """Queue a sync already marked requested and committed; False when the queue refused it."""
    return enqueue(sync_roster, context_pk, want_full)
