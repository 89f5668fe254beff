"""Real launches through two gunicorn worker processes, as the Procfile serves the tool.

Launch state must live in a shared store (the database, or Redis when REDIS_URL is set): with two
workers the login, the launch and the first page may each be served by a different process
(a per-process cache once let 11 of 30 launches through). The setup is `bench/harness.py`'s, shared with
`python -m bench.launches`; the gunicorn access log records each request's worker pid.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
import requests

from bench.harness import HttpBrowser, Stack, launch, launch_stack, run_launches

LAUNCHES = 20
CONCURRENCY = 4  # more browsers than workers, so both workers must take requests


@pytest.fixture
def stack(tmp_path):
    database_url = os.environ.get("DATABASE_URL") or ""
    postgres = database_url.startswith("postgres")
    with launch_stack(
        tmp_path,
        database="postgres" if postgres else "sqlite",
        postgres_url=database_url if postgres else None,
        redis_url=os.environ.get("REDIS_URL") or None,
        workers=2,
    ) as stack:
        yield stack


@pytest.mark.slow
def test_launches_through_two_workers_all_succeed_and_a_replay_is_refused(stack: Stack):
    results, _seconds = run_launches(stack, LAUNCHES, concurrency=CONCURRENCY)

    failures = [f"{r.tag} ({r.user_key}): {r.error}" for r in results if not r.ok]
    assert not failures, "\n".join(failures) + "\n" + stack.tool.output_tail()
    assert len({r.launch_path for r in results}) == LAUNCHES  # one launch id per launch

    # Replaying a used id_token + state, from the browser that holds the state cookie, is refused.
    with requests.Session() as session:
        browser = HttpBrowser(session)
        used = launch(browser, stack.platform, stack.tool.base_url, "priya", "replay")
        assert used.ok, used.error
        replay = browser.post(used.launch_url, {"id_token": used.id_token, "state": used.state}, {})
    assert replay.status == 401
    assert "launch-replayed" in replay.text

    stack.tool.stop()  # the access log is complete once the workers have exited
    served_by: dict[str, dict[str, int]] = defaultdict(dict)
    for entry in stack.tool.access_entries():
        tag, _, step = entry.tag.rpartition(":")
        if tag.startswith("launch-"):
            served_by[tag][step] = entry.pid
    assert len(served_by) == LAUNCHES
    login_and_launch_pids = {
        served[step] for served in served_by.values() for step in ("login", "launch")
    }
    assert stack.tool.process.pid not in login_and_launch_pids  # workers, never the arbiter
    assert len(login_and_launch_pids) >= 2, "every login and launch went to one worker"
    crossed = [tag for tag, served in served_by.items() if served["login"] != served["launch"]]
    assert crossed, "no launch had its login and its id_token POST served by different workers"
