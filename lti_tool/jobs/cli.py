"""`flask jobs …`: run a worker (the Procfile's `worker:` line), and see what is queued."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from lti_tool.cli import fail, table, when
from lti_tool.extensions import db
from lti_tool.jobs import services
from lti_tool.jobs.queue import WorkerConsumer, queue, storage_kind

jobs_cli = AppGroup("jobs", help="The background job queue.")


@jobs_cli.command("worker")
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=None,
    help="Jobs run at once by this worker (default: JOBS_WORKER_THREADS).",
)
@click.option("--no-schedule", is_flag=True, help="Run queued jobs only, not the periodic ones.")
def worker(threads: int | None, no_schedule: bool) -> None:
    """Take jobs from the queue until stopped (SIGINT or SIGTERM finish the running jobs first).

    Start as many as wanted, on as many hosts as share the queue (JOBS_QUEUE "redis"); periodic
    jobs still run once per period, whichever worker's schedule comes first.
    """
    config = current_app.config
    if queue.immediate:
        fail("JOBS_QUEUE is 'immediate': jobs run inside requests and need no worker.")
    logging.getLogger("huey").setLevel(config["LOG_LEVEL"])
    consumer = WorkerConsumer(
        queue,
        periodic_check_seconds=int(config["JOBS_PERIODIC_CHECK_SECONDS"]),
        workers=threads or int(config["JOBS_WORKER_THREADS"]),
        worker_type="thread",
        periodic=not no_schedule,
        check_worker_health=True,
    )
    click.echo(
        f"worker: {storage_kind(config)} queue, {consumer.workers} thread(s), "
        f"periodic jobs {'off' if no_schedule else 'on'}"
    )
    consumer.run()


@jobs_cli.command("status")
def status() -> None:
    """Jobs waiting in the queue, scheduled for later, and who holds each periodic job."""
    if queue.immediate:
        click.echo("JOBS_QUEUE is 'immediate': jobs run inside requests.")
        return
    click.echo(
        f"{storage_kind(current_app.config)} queue: {len(queue)} waiting, "
        f"{queue.scheduled_count()} scheduled"
    )
    rows = [
        (lease.name, when(lease.held_until), lease.holder) for lease in services.leases(db.session)
    ]
    db.session.rollback()
    if rows:
        click.echo(table(("Periodic job", "Held until", "Holder"), rows))
