"""A real queue for the tests of the queue: Huey on a SQLite file, run by hand or by workers."""

from __future__ import annotations

from flask import Flask
from huey.api import Task
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.grades.models import ScoreRecord
from lti_tool.jobs.queue import queue
from tests.fake_platform import FakePlatform
from tests.integration.grades.test_columns import _complete

COMPLETED = "scaling-questions"  # a module with prompts and sections


def queued() -> list[Task]:
    """The jobs waiting in the queue, read back as a worker would read them."""
    return [queue.deserialize_task(data) for data in queue.storage.enqueued_items()]


def run_queued() -> int:
    """Be the worker: take every waiting job and run it; how many ran."""
    count = 0
    while (task := queue.dequeue()) is not None:
        queue.execute(task)
        count += 1
    return count


def complete_module(app: Flask, fake_platform: FakePlatform, user: str = "jean-francois") -> None:
    """`user` launches the course's link and completes the module, every prompt and section."""
    _complete(app, fake_platform, user, fake_platform.link(), COMPLETED)


def score_rows(app: Flask) -> list[ScoreRecord]:
    with app.app_context():
        rows = list(db.session.scalars(select(ScoreRecord).order_by(ScoreRecord.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows
