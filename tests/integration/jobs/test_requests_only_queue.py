"""Requests only queue: completing a module, a review, "Retry now", "Sync now" and a facilitator's
launch return before any LMS call; the job carries an id; a lost job is found by the sweep.

The queue here is Huey on a SQLite file, as in development; the test plays the worker by taking
the jobs off it (tests/integration/jobs/test_workers.py runs real worker processes).
"""

from __future__ import annotations

import pytest
from flask import Flask

from lti_tool.jobs.queue import queue
from tests.fake_platform import FakePlatform
from tests.integration.grades.helpers import Launched
from tests.integration.jobs.helpers import complete_module, queued, run_queued, score_rows
from tests.integration.rosters.test_sync import NEVER_LAUNCHED, nrps_requests, seen, sync_now
from tests.lti_helpers import page_text


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    return {"JOBS_QUEUE": "sqlite", "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3")}


@pytest.fixture(autouse=True)
def _empty_queue(app: Flask):
    queue.flush()
    yield
    queue.flush()


def test_completing_a_module_queues_its_score_and_sends_nothing(
    app: Flask, fake_platform: FakePlatform
) -> None:
    complete_module(app, fake_platform)

    assert fake_platform.state.scores == []  # the learner's request called no LMS
    [row] = score_rows(app)
    assert row.status == "pending"
    assert row.queued_at is not None
    [job] = queued()
    assert job.name.endswith("deliver_score")
    assert (job.args, job.kwargs) == ((row.id,), {})  # an id, never the score or the learner

    assert run_queued() == 1
    [score] = fake_platform.state.scores
    assert score.user_id == row.user_sub
    assert score_rows(app)[0].status == "delivered"


def test_a_lost_job_is_found_by_the_sweep(app: Flask, fake_platform: FakePlatform) -> None:
    from lti_tool.grades.jobs import sweep_grades

    complete_module(app, fake_platform)
    queue.flush()  # the job is lost (a Redis that restarted empty, say)

    app.config["GRADE_REQUEUE_AFTER_SECONDS"] = 3600
    sweep_grades.call_local()
    assert queued() == []  # queued a moment ago: the sweep leaves it to its job

    app.config["GRADE_REQUEUE_AFTER_SECONDS"] = 0
    _next_period(app)
    sweep_grades.call_local()
    assert len(queued()) == 1
    run_queued()
    assert len(fake_platform.state.scores) == 1
    assert score_rows(app)[0].status == "delivered"


def test_a_sweep_runs_once_per_period_whoever_schedules_it(
    app: Flask, fake_platform: FakePlatform
) -> None:
    from lti_tool.grades.jobs import sweep_grades

    app.config["GRADE_REQUEUE_AFTER_SECONDS"] = 0
    sweep_grades.call_local()  # this worker's schedule: nothing due yet
    complete_module(app, fake_platform)
    queue.flush()
    sweep_grades.call_local()  # another host's schedule, the same minute: skipped
    assert queued() == []
    _next_period(app)
    sweep_grades.call_local()
    assert len(queued()) == 1


def test_an_unreachable_queue_loses_no_score(app: Flask, fake_platform: FakePlatform) -> None:
    from lti_tool.grades.jobs import sweep_grades
    from lti_tool.jobs.queue import configure

    app.config.update(JOBS_QUEUE="redis", JOBS_REDIS_URL="redis://127.0.0.1:9/0")  # nothing there
    configure(app)
    complete_module(app, fake_platform)  # every page answered (asserted inside)

    [row] = score_rows(app)
    assert row.status == "pending"
    assert row.queued_at is None  # the job was refused: the next sweep queues the score at once

    app.config.update(JOBS_QUEUE="sqlite")  # the queue is back
    configure(app)
    sweep_grades.call_local()
    run_queued()
    assert len(fake_platform.state.scores) == 1


def test_retry_now_queues_and_the_page_shows_the_wait(
    app: Flask, fake_platform: FakePlatform
) -> None:
    fake_platform.state.set_unavailable(503)
    complete_module(app, fake_platform)
    run_queued()  # the LMS is down: the score waits
    assert "HTTP 503" in (score_rows(app)[0].last_error or "")
    fake_platform.state.set_unavailable(None)

    facilitator = Launched(app, fake_platform, "amelie")
    run_queued()  # the facilitator's launch queued a roster sync
    response = facilitator.post("grades/retry", "grades/")
    page = page_text(facilitator.client.get(response.headers["Location"]))
    assert "1 completion is on its way to the LMS." in page
    assert "Waiting (1)" in page
    assert fake_platform.state.scores == []

    run_queued()
    assert len(fake_platform.state.scores) == 1
    assert "Waiting (0)" in page_text(facilitator.get("grades/"))


def test_sync_now_and_a_due_launch_queue_the_roster_sync(
    app: Flask, fake_platform: FakePlatform
) -> None:
    fake_platform.state.add_member(NEVER_LAUNCHED)
    facilitator = Launched(app, fake_platform, "amelie")
    assert nrps_requests(fake_platform) == []  # the launch answered before any roster call
    assert [job.args for job in queued()] == [(facilitator.launch.context_pk, False)]
    page = seen(facilitator.get("roster/"))
    assert "is waiting for the tool's background worker" in page
    assert "Gisèle Bélanger-Nguyễn" not in page

    run_queued()
    page = seen(facilitator.get("roster/"))
    assert "Gisèle Bélanger-Nguyễn" in page
    assert "Next automatic sync: after" in page

    before = len(nrps_requests(fake_platform))
    page = seen(sync_now(facilitator, full=True))
    assert "Sync started." in page
    assert len(nrps_requests(fake_platform)) == before
    assert [job.args for job in queued()] == [(facilitator.launch.context_pk, True)]
    run_queued()
    assert len(nrps_requests(fake_platform)) > before


def _next_period(app: Flask) -> None:
    """The sweep's lease runs to the end of its period: move past it, as the clock would."""
    from sqlalchemy import update

    from lti_tool.extensions import db
    from lti_tool.jobs.models import JobLease
    from lti_tool.jobs.services import NEVER

    with app.app_context():
        db.session.execute(update(JobLease).values(held_until=NEVER))
        db.session.commit()
        db.session.remove()


def test_a_facilitators_review_queues_the_fully_graded_score(
    app: Flask, fake_platform: FakePlatform
) -> None:
    from tests.integration.learning_modules.test_player import MODULE, see_section
    from tests.integration.learning_modules.test_review import send, submit_all, version_ids
    from tests.integration.mentoring_web.my_web_pages import launch

    learner = app.test_client()
    base = launch(fake_platform, learner, "priya")
    submit_all(learner, base, "Ce que j’ai appris", visibility="facilitator")
    for section in MODULE.sections:
        see_section(learner, base, section.id)
    run_queued()
    assert [s.score["gradingProgress"] for s in fake_platform.state.scores] == ["PendingManual"]

    facilitator = app.test_client()
    facilitator_base = launch(fake_platform, facilitator, "amelie")
    run_queued()  # the facilitator's launch queued a roster sync
    for version_id in version_ids(app):
        response = send(
            facilitator,
            facilitator_base,
            version_id,
            strength="Des exemples précis.",
            question="Qu’essaierez-vous ensuite ?",
        )
        assert response.status_code == 303
    assert len(fake_platform.state.scores) == 1  # the review's request called no LMS
    assert [job.name.rsplit(".", 1)[-1] for job in queued()] == ["deliver_score"]
    run_queued()
    assert [s.score["gradingProgress"] for s in fake_platform.state.scores] == [
        "PendingManual",
        "FullyGraded",
    ]


def test_jobs_status_shows_what_waits_and_who_holds_the_schedule(
    app: Flask, fake_platform: FakePlatform
) -> None:
    from lti_tool.grades.jobs import sweep_grades

    complete_module(app, fake_platform)
    sweep_grades.call_local()
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    assert "sqlite queue: 1 waiting, 0 scheduled" in result.output
    assert "lti_tool.grades.jobs.sweep_grades" in result.output


def test_a_score_whose_column_another_worker_is_creating_waits_seconds_uncounted(
    app: Flask, fake_platform: FakePlatform
) -> None:
    from datetime import datetime, timedelta

    from lti_tool.db import utcnow
    from lti_tool.extensions import db
    from lti_tool.grades.models import ModuleLineItem, ScoreRecord
    from tests.integration.jobs.helpers import COMPLETED

    complete_module(app, fake_platform)
    [row] = score_rows(app)
    with app.app_context():  # another worker holds the claim to create this module's column
        db.session.add(
            ModuleLineItem(
                platform_id=row.platform_id,
                context_id=row.context_id,
                module_slug=COMPLETED,
                creating_until=utcnow() + timedelta(minutes=1),
            )
        )
        db.session.commit()
        db.session.remove()

    run_queued()
    [row] = score_rows(app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, None)  # not a failure
    assert row.next_attempt_at - utcnow() <= timedelta(seconds=3)
    assert queue.scheduled_count() == 1  # its retry, in seconds: no waiting for the sweep

    with app.app_context():  # three seconds later: the other worker is done (or died)
        db.session.query(ModuleLineItem).update({"creating_until": None})
        db.session.query(ScoreRecord).update({"next_attempt_at": utcnow()})
        db.session.commit()
        db.session.remove()
    scheduled = queue.read_schedule(datetime(2100, 1, 1))
    assert [task.args for task in scheduled] == [(row.id,)]
    for task in scheduled:
        queue.execute(task, timestamp=task.eta)  # its time has come
    [row] = score_rows(app)
    assert (row.status, row.attempts) == ("delivered", 1)
    assert len(fake_platform.state.scores) == 1
