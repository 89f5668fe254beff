"""A facilitator's launch keeps the course roster fresh: remembered in the launch, synced after it.

The NRPS address is stored in the launch's own transaction (`launches.events.launch_recorded`). When
the launch is a facilitator's and the roster is older than ROSTER_MAX_AGE_SECONDS, the sync starts
once the launch has committed: in a background thread by default, so the facilitator's page never
waits for the LMS, or inline (the test configuration), or not at all ("off").
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, Response, current_app, g

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.launches.events import launch_recorded
from lti_tool.rosters.services import sync as services

log = logging.getLogger(__name__)
MODES = ("background", "inline", "off")
_threads: list[threading.Thread] = []


def _on_launch(sender: Any, **event: Any) -> None:
    session, launch = event["session"], event["launch"]
    row = services.remember_service(session, launch)
    config = current_app.config
    if row is None or not launch.is_facilitator or config["ROSTER_SYNC_ON_LAUNCH"] == "off":
        return
    if services.is_due(
        row,
        utcnow(),
        max_age_seconds=int(config["ROSTER_MAX_AGE_SECONDS"]),
        retry_seconds=int(config["ROSTER_RETRY_SECONDS"]),
    ):
        g.setdefault("rosters_to_sync", []).append(launch.context_pk)


def _sync_after_commit(response: Response) -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for context_pk in g.pop("rosters_to_sync", []):
        if app.config["ROSTER_SYNC_ON_LAUNCH"] == "inline":
            _sync_logging_crashes(app, context_pk)
        else:
            thread = threading.Thread(
                target=_sync_in_thread,
                args=(app, context_pk),
                name=f"roster-sync-{context_pk}",
                daemon=True,
            )
            _threads.append(thread)
            thread.start()
    return response


def _sync_in_thread(app: Flask, context_pk: int) -> None:
    with app.app_context():
        try:
            _sync_logging_crashes(app, context_pk)
        finally:
            db.session.remove()


def _sync_logging_crashes(app: Flask, context_pk: int) -> None:
    """A sync after a launch must never fail the launch (inline) or die silently (thread)."""
    try:
        services.sync_now(db.session, app, context_pk)
    except Exception:  # nobody to raise to: log it; the lease expires and the next launch retries
        db.session.rollback()
        log.exception("roster sync crashed", extra={"context_pk": context_pk})


def wait_for_background_syncs(timeout: float = 30) -> None:
    """Join the threads started so far (tests, and a clean shutdown in the CLI)."""
    while _threads:
        _threads.pop().join(timeout)


def init_app(app: Flask) -> None:
    if app.config["ROSTER_SYNC_ON_LAUNCH"] not in MODES:
        raise ValueError(f"ROSTER_SYNC_ON_LAUNCH must be one of {', '.join(MODES)}")
    launch_recorded.connect(_on_launch)
    app.after_request(_sync_after_commit)
