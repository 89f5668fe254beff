"""The daily purge of expired launch state (logins, nonces, launch data) kept in the database.

Redis expires its own keys; the database store needs this sweep, or its table only grows.
"""

from __future__ import annotations

import logging

from flask import current_app
from huey import crontab

from lti_tool.extensions import db
from lti_tool.jobs.queue import periodic

log = logging.getLogger(__name__)


@periodic(crontab(hour="4", minute="15"), every=24 * 3600, lease_seconds=1800)
def purge_launch_state() -> None:
    count = current_app.extensions["lti_state_store"].purge_expired()
    db.session.commit()
    log.info("launch state purged", extra={"event": "launches.purged", "count": count})
