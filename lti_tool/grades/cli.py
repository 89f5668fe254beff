"""`flask grades …`: drain the grade outbox and look into it.

`deliver` commits record by record, unlike other commands: each delivered score must stay
delivered even if a later one fails or the command is stopped half-way.
"""

from __future__ import annotations

import click
import requests
from flask.cli import AppGroup

from lti_tool.cli import table, when
from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.grades import services

grades_cli = AppGroup("grades", help="Deliver completion scores to LMS gradebooks.")


@grades_cli.command("deliver")
def deliver() -> None:
    """Send every score that is due now; print how many were delivered, will retry, or failed."""
    with requests.Session() as http:
        report = services.deliver_pending(db.session, utcnow(), http)
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
