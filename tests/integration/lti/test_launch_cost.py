"""What a returning user's launch costs the database, and that it still records what changed.

A PD day is thousands of launches in minutes, most of them by people the tool already knows: such
a launch reads the registration, the person in their course and the roster address (one statement
each), keeps the login and launch state, and writes the user, course or membership only when the
LMS says something new about them, or when their last launch time is a minute old. Counted with a
`before_cursor_execute` listener on the app's engine; statements on `lti_state` (absent when the
state is in Redis) are counted apart, so the figures hold for both stores.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_tool.db import utcnow
from lti_tool.lti.names import search_key
from lti_tool.people import services as people_services
from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.my_web_pages import counted_queries
from tests.lti_helpers import memberships, signed_launch, users

PEOPLE_TABLES = ("lti_user", "lti_context", "lti_membership")


@pytest.fixture
def app_overrides() -> dict:
    return {"ROSTER_SYNC_ON_LAUNCH": "off"}


def _writes(statements: list[str]) -> list[str]:
    return [
        s
        for s in statements
        if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and any(table in s for table in PEOPLE_TABLES)
    ]


def _outside_state_store(statements: list[str]) -> list[str]:
    return [s for s in statements if "lti_state" not in s]


def test_a_returning_users_launch_reads_fixed_statements_and_writes_no_person(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    assert fake_platform.launch(client, "priya").status_code == 200

    with counted_queries(app) as statements:
        again = fake_platform.launch(app.test_client(), "priya")

    assert again.status_code == 200
    # login: the registration; launch: registration with deployment, the person in the course,
    # the course's roster address; then the course home it answers with, for a learner: progress,
    # the course's assignments, the web, unread feedback. No write to the people tables.
    tables = [s.split("FROM")[1].split()[0] for s in _outside_state_store(statements)]
    assert tables == [
        "lti_platform",
        "lti_platform",
        "lti_user",
        "rs_roster_sync",
        "lm_module_progress",
        "lm_module_assignment",
        "mw_web_owner",
        "lm_feedback_reply",  # unread feedback: its scalar subquery on replies comes first
    ], statements
    assert _writes(statements) == []


def test_the_next_launch_writes_a_new_name_and_role_and_erases_nothing(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    member = fake_platform.member("priya")
    assert fake_platform.launch(client, "priya").status_code == 200

    with counted_queries(app) as statements:
        again = signed_launch(
            fake_platform,
            app.test_client(),
            "priya",
            claims={"name": "Priya Raman-Singh", "email": None},
            changes={
                "https://purl.imsglobal.org/spec/lti/claim/roles": [
                    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
                ]
            },
        )

    assert again.response.status_code == 200
    [user] = users(app)
    assert (user.name, user.email) == ("Priya Raman-Singh", member.email)  # email kept
    assert user.name_key == search_key("Priya Raman-Singh")  # the grid's search and sort follow
    assert search_key(member.email) in user.search_text
    [(membership, _context, _user)] = memberships(app)
    assert membership.role == "facilitator"
    assert [s.split()[0] + " " + s.split()[1] for s in _writes(statements)] == [
        "UPDATE lti_user",
        "UPDATE lti_membership",
    ]


def test_the_last_launch_time_moves_once_a_minute_at_most(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fake_platform.launch(client, "priya").status_code == 200
    [(first, _context, _user)] = memberships(app)

    assert fake_platform.launch(app.test_client(), "priya").status_code == 200
    [(soon, _context, _user)] = memberships(app)
    assert soon.last_launch_at == first.last_launch_at

    later = utcnow() + people_services.LAUNCH_TIME_RESOLUTION + timedelta(seconds=1)
    monkeypatch.setattr(people_services, "utcnow", lambda: later)
    assert fake_platform.launch(app.test_client(), "priya").status_code == 200
    [(after, _context, _user)] = memberships(app)
    [user] = users(app)
    assert after.last_launch_at == later
    assert user.last_launch_at == later


def test_a_first_launch_inserts_the_person_the_course_and_the_membership(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    with counted_queries(app) as statements:
        assert fake_platform.launch(client, "priya").status_code == 200

    inserted = [
        s.split()[2] for s in _writes(statements) if s.lstrip().upper().startswith("INSERT")
    ]
    assert inserted == ["lti_user", "lti_context", "lti_membership"]
    [(membership, context, user)] = memberships(app)
    assert (user.sub, context.context_id, membership.role) == (
        fake_platform.member("priya").sub,
        fake_platform.course.id,
        "learner",
    )
