"""`flask grades …`: drain the grade outbox by hand and look into it.

The workers deliver on their own (`grades.jobs`); these are for an operator. `deliver` commits
record by record, unlike other commands: each delivered score must stay delivered even if a later
one fails or the command is stopped half-way.
"""

from __future__ import annotations

import click
import requests
from flask import current_app
from flask.cli import AppGroup

from lti_tool.cli import table, when
from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades.services import delivery as services

grades_cli = AppGroup("grades", help="Deliver completion scores to LMS gradebooks.")


@grades_cli.command("deliver")
def deliver() -> None:
    """Send every score that is due now; print how many were delivered, will retry, or failed."""
    with requests.Session() as http:
        report = services.deliver_pending(
            db.session, utcnow(), http, policy=services.policy_of(current_app.config)
        )
    click.echo(f"delivered {report.delivered}, retrying {report.retrying}, failed {report.failed}")


@grades_cli.command("retry")
@click.option("--record", "record_id", type=click.IntRange(1, 2**31 - 1), help="Only this record.")
def retry(record_id: int | None) -> None:
    """Give failed scores (an LMS refusal, or too many attempts) a fresh round, and send them now.

    For after the cause is fixed in the LMS: a deleted column, a learner re-enrolled, a scope added.
    """
    count = services.requeue(db.session, utcnow(), record_id=record_id)
    db.session.commit()
    if not count:
        click.echo("No scores to retry.")
        return
    with requests.Session() as http:
        report = services.deliver_pending(
            db.session, utcnow(), http, policy=services.policy_of(current_app.config)
        )
    click.echo(f"delivered {report.delivered}, retrying {report.retrying}, failed {report.failed}")


@grades_cli.command("list")
@click.option("--pending", is_flag=True, help="Only scores still waiting to be delivered.")
def list_command(pending: bool) -> None:
    """The recorded scores, oldest first."""
    records = services.list_records(db.session, pending_only=pending)
    if not records:
        click.echo("No scores recorded." if not pending else "No scores waiting.")
        return
    rows = [
        (
            str(r.id),
            r.module_slug,
            r.user_sub,
            r.status,
            str(r.attempts),
            when(r.delivered_at if r.delivered_at else r.next_attempt_at),
            r.last_error or "",
        )
        for r in records
    ]
    click.echo(
        table(("ID", "Module", "Learner sub", "Status", "Attempts", "When", "Last error"), rows)
    )
