"""The upload folder's hourly sweep: finish what a killed worker left, remove orphans."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from huey import crontab

from lti_tool.extensions import db
from lti_tool.jobs.queue import periodic
from lti_tool.learning_modules.services import files

log = logging.getLogger(__name__)
GRACE = timedelta(hours=1)  # an upload younger than this may still be in flight


@periodic(crontab(minute="35"), every=3600, lease_seconds=1800)
def sweep_uploads() -> None:
    folder = files.upload_folder(current_app.config, current_app.instance_path)
    report = files.sweep(db.session, folder, datetime.now(UTC), GRACE)
    db.session.rollback()  # read only
    log.info(
        "uploads swept",
        extra={"event": "files.swept", "published": report.published, "removed": report.removed},
    )
