"""`flask files …`: keep the reflection upload folder in step with the database.

Uploads are written under a pending name and published after their transaction commits
(`files.StagedUpload`); `sweep` finishes or removes what a killed worker or a failed commit left.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from lti_tool.extensions import db
from lti_tool.learning_modules.services import files

files_cli = AppGroup("files", help="Files uploaded with reflections.")


@files_cli.command("sweep")
@click.option(
    "--grace-minutes",
    type=click.IntRange(1, 7 * 24 * 60),
    default=60,
    show_default=True,
    help="Leave files younger than this alone (an upload may still be in flight).",
)
def sweep(grace_minutes: int) -> None:
    """Publish uploads whose row was committed; remove files no row names."""
    folder = files.upload_folder(current_app.config, current_app.instance_path)
    report = files.sweep(db.session, folder, datetime.now(UTC), timedelta(minutes=grace_minutes))
    db.session.rollback()  # read only
    click.echo(f"published {report.published}, removed {report.removed}")
