"""The workers' schedule: which periodic jobs run when, and what each does when it runs."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.jobs.queue import queue
from lti_tool.lti.models import StateEntry


def _due(moment: datetime) -> set[str]:
    return {task.name.rsplit(".", 1)[-1] for task in queue.read_periodic(moment)}


def test_each_periodic_job_is_scheduled_by_the_queue_not_by_cron(app: Flask) -> None:
    assert _due(datetime(2026, 12, 3, 10, 0)) == {"sweep_grades"}  # every look (every minute)
    assert _due(datetime(2026, 12, 3, 10, 5)) == {"sweep_grades", "sync_due_rosters"}  # hourly
    assert _due(datetime(2026, 12, 3, 10, 35)) == {"sweep_grades", "sweep_uploads"}  # hourly
    assert _due(datetime(2026, 12, 3, 4, 15)) == {"sweep_grades", "purge_launch_state"}  # daily
    assert _due(datetime(2026, 12, 3, 16, 15)) == {"sweep_grades"}


def test_the_daily_purge_deletes_expired_launch_state_only(app: Flask) -> None:
    from lti_tool.launches.jobs import purge_launch_state

    if app.config.get("REDIS_URL"):
        return  # Redis expires its own keys; nothing to purge in the database
    store = app.extensions["lti_state_store"]
    with app.app_context():
        store.set("kept", {"a": 1}, 3600)
        store.set("expired", {"a": 1}, 1)
        db.session.commit()
        entry = db.session.get(StateEntry, "expired")
        entry.expires_at = entry.expires_at - timedelta(hours=1)
        db.session.commit()
        db.session.remove()
    purge_launch_state.call_local()
    with app.app_context():
        keys = set(db.session.scalars(select(StateEntry.key)))
        db.session.remove()
    assert "kept" in keys
    assert "expired" not in keys


def test_the_hourly_upload_sweep_removes_files_no_reflection_names(app: Flask) -> None:
    from lti_tool.learning_modules.jobs import sweep_uploads
    from lti_tool.learning_modules.services import files

    folder = Path(files.upload_folder(app.config, app.instance_path))
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / ("ab" * 20 + ".pdf")  # a stored name no reflection has
    orphan.write_bytes(b"%PDF-1.4")
    two_hours_ago = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    young = folder / ("cd" * 20 + ".pdf")
    young.write_bytes(b"%PDF-1.4")

    sweep_uploads.call_local()
    assert not orphan.exists()
    assert young.exists()  # younger than the grace hour: may still be published


def test_the_hourly_roster_job_queues_only_due_courses(app: Flask, fake_platform) -> None:
    from lti_tool.rosters.jobs import sync_due_rosters
    from lti_tool.rosters.models import RosterSync
    from tests.integration.grades.helpers import Launched
    from tests.integration.rosters.test_sync import nrps_requests

    Launched(app, fake_platform, "amelie")  # synced at launch (this suite's queue runs it)
    before = len(nrps_requests(fake_platform))
    sync_due_rosters.call_local()
    assert len(nrps_requests(fake_platform)) == before  # fresh: not due

    with app.app_context():
        row = db.session.scalar(select(RosterSync))
        row.synced_at = row.synced_at - timedelta(seconds=app.config["ROSTER_MAX_AGE_SECONDS"] + 1)
        db.session.commit()
        db.session.execute(db.text("DELETE FROM job_lease"))
        db.session.commit()
        db.session.remove()
    sync_due_rosters.call_local()
    assert len(nrps_requests(fake_platform)) > before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterSync)) == 1
        db.session.remove()
