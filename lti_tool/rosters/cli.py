"""`flask rosters sync`: sync rosters now, from an operator's shell (the workers' hourly schedule
syncs due courses on its own)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.rosters.models import RosterSync
from lti_tool.rosters.services import sync as services

rosters_cli = AppGroup("rosters", help="Sync course rosters from the LMS (NRPS).")


@rosters_cli.command("sync")
@click.option("--all", "every", is_flag=True, help="Every course, not only those due.")
@click.option("--full", is_flag=True, help="Read whole rosters, not only the LMS's differences.")
def sync(every: bool, full: bool) -> None:
    """Sync the courses whose roster is older than ROSTER_MAX_AGE_SECONDS (or all with --all)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if every:
        due = list(db.session.scalars(select(RosterSync.context_id).order_by(RosterSync.id)))
    else:
        due = services.due_courses(db.session, utcnow(), app.config)
    db.session.rollback()
    failed = 0
    for context_pk in due:
        report = services.sync_now(db.session, app, context_pk, want_full=full)
        if report.error:
            failed += 1
            click.echo(f"course {context_pk}: {report.error}", err=True)
        elif not report.skipped:
            click.echo(
                f"course {context_pk}: {report.kind}, {report.members_seen} listed, "
                f"{report.added} added, {report.updated} updated, {report.removed} removed"
            )
    click.echo(f"{len(due)} course(s) synced, {failed} failed")
    if failed:
        raise SystemExit(1)
