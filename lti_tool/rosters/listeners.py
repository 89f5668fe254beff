"""A facilitator's launch keeps the course roster fresh: remembered in the launch, queued after it.

The NRPS address is stored in the launch's own transaction (`launches.events.launch_recorded`). When
the launch is a facilitator's and the roster is older than ROSTER_MAX_AGE_SECONDS, the sync is
marked requested in that transaction and queued once it has committed, so the facilitator's page
never waits for the LMS ("off": only "Sync now", the hourly schedule and `flask rosters sync`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g

from lti_tool.db import utcnow
from lti_tool.launches.events import launch_recorded
from lti_tool.rosters.jobs import queue_sync
from lti_tool.rosters.services import sync as services

MODES = ("on", "off")


def _on_launch(sender: Any, **event: Any) -> None:
    session, launch = event["session"], event["launch"]
    row = services.remember_service(session, launch)
    config = current_app.config
    if row is None or not launch.is_facilitator or config["ROSTER_SYNC_ON_LAUNCH"] == "off":
        return
    now = utcnow()
    if services.is_due(
        row,
        now,
        max_age_seconds=int(config["ROSTER_MAX_AGE_SECONDS"]),
        retry_seconds=int(config["ROSTER_RETRY_SECONDS"]),
        lease_seconds=int(config["ROSTER_SYNC_LEASE_SECONDS"]),
    ):
        services.request_sync(session, launch.context_pk, now)
        g.setdefault("rosters_to_sync", []).append(launch.context_pk)


def _queue_after_commit(response: Response) -> Response:
    for context_pk in g.pop("rosters_to_sync", []):
        queue_sync(context_pk)  # refused (queue down): the hourly schedule finds it due
    return response


def init_app(app: Flask) -> None:
    if app.config["ROSTER_SYNC_ON_LAUNCH"] not in MODES:
        raise ValueError(f"ROSTER_SYNC_ON_LAUNCH must be one of {', '.join(MODES)}")
    launch_recorded.connect(_on_launch)
    app.after_request(_queue_after_commit)
