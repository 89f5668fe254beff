"""Driving the mentoring web's pages as a learner would: launch, read forms, post them.

Every page is reached through a real LTI launch (`fake_platform.launch`), so the launch binding,
the session cookie and CSRF are all in play. Strand ids are read from the page's own links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from lti_tool.extensions import db
from tests.fake_platform import FakePlatform
from tests.lti_helpers import CONTEXT, launch_path, page_text

COURSE_B = {"id": "course-b-2025", "label": "MFA-B", "title": "Mentoring for All — Cohort B"}


def launch(
    platform: FakePlatform, client: FlaskClient, user: str = "priya", *, course: dict | None = None
) -> str:
    """Launch as `user` (in `course` if given, else the demo course); returns `/l/<id>/`."""
    overrides = {CONTEXT: course} if course else None
    return launch_path(platform.launch(client, user, claims_overrides=overrides))


def csrf_token(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return unescape(match.group(1))


def strand_values(**changes: Any) -> dict[str, Any]:
    """A valid strand form (the §1.8 example), with `changes` applied; None drops a field."""
    values: dict[str, Any] = {
        "label": "M.K. (Gr. 1 teaching partner)",
        "kind": "individual",
        "board_role": "classroom_teacher_elementary",
        "location": "same_site",
        "model": "co_mentoring",
        "supports": ["instructional_practice", "wellbeing_emotional"],
        "direction": "supports_me",
        "i_offer": "",
        "stance": "collaborator",
        "frequency": "weekly_plus",
        "strength": "8",
        "strength_note": "We plan together",
        "formality": "emerged",
        "status": "active",
        "next_step": "Ask to co-plan the inquiry unit",
        "next_check_in": "",
        "last_contact_on": "",
    }
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    return values


def post_form(client: FlaskClient, form_url: str, values: dict[str, Any]) -> TestResponse:
    """GET the form page for its CSRF token, then POST `values` to it."""
    token = csrf_token(client.get(form_url))
    return client.post(form_url, data={**values, "csrf_token": token})


def add_strand(client: FlaskClient, base: str, **changes: Any) -> TestResponse:
    response = post_form(client, base + "web/strands/new", strand_values(**changes))
    assert response.status_code == 303, page_text(response)[:2000]
    return response


def strand_ids(page: TestResponse) -> dict[str, int]:
    """Label → id of every strand in the page's table (from its Edit links)."""
    ids = {}
    for match in re.finditer(
        r'/web/strands/(\d+)/edit">Edit<span class="visually-hidden"> ([^<]*)</span>',
        page.get_data(as_text=True),
    ):
        ids[unescape(match.group(2))] = int(match.group(1))
    return ids


def table_labels(page: TestResponse) -> list[str]:
    """The row headers of the strands table: each strand's label."""
    body = page.get_data(as_text=True)
    table = body[body.find('id="strands-title"') :]
    return [
        unescape(match.group(1)).strip() for match in re.finditer(r'<th scope="row">([^<]*)', table)
    ]


def picture(page: TestResponse) -> str:
    body = page.get_data(as_text=True)
    start = body.find("<svg")
    return body[start : body.find("</svg>", start) + len("</svg>")]


def nodes(svg: str) -> list[str]:
    """The titles (full labels) of the strand nodes drawn in a picture."""
    return [
        unescape(title)
        for title in re.findall(r'<g class="node [^"]*"[^>]*><title>([^<]*)</title>', svg)
    ]


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """Record every SQL statement the app's engine runs while the block runs."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
