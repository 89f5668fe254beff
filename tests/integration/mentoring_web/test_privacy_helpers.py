"""Helpers for the privacy, cohort and copy tests (this module holds no tests of its own).

Everyone here arrives by a real LTI launch from the fake platform, each person in their own
browser (test client), and builds a web through the tool's own forms, with the CSRF token the
pages carry. Extra learners are the platform's `priya` with another `sub` and name, which is how
an LMS would send a different person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from werkzeug.test import TestResponse

from lti_tool.extensions import db
from lti_tool.mentoring_web.models import Strand, WebOwner
from lti_tool.people.models import Context, User
from tests.fake_platform import FakePlatform
from tests.lti_helpers import CONTEXT, launch_path, page_text

COURSE_B = {"id": "course-b-copy-9c1d", "label": "MFA-B", "title": "Mentoring for All — Cohort B"}

# A strand that validates: active, monthly, one kind of support. Tests override what they need.
STRAND: dict[str, Any] = {
    "kind": "individual",
    "board_role": "classroom_teacher_elementary",
    "location": "same_site",
    "model": "peer_informal",
    "supports": ["instructional_practice"],
    "direction": "supports_me",
    "frequency": "monthly",
    "status": "active",
}

_CSRF = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


@dataclass
class Person:
    """One browser with one launch: `get("web/")` reads `/l/<launch_id>/web/`."""

    client: FlaskClient
    path: str  # /l/<launch_id>/

    def get(self, relative: str) -> TestResponse:
        return self.client.get(self.path + relative)

    def csrf_token(self) -> str:
        match = _CSRF.search(self.get("web/").get_data(as_text=True))
        assert match, "the web page carries no CSRF token"
        return match.group(1) or match.group(2)

    def post(self, relative: str, data: dict[str, Any] | None = None, *, csrf: bool = True):
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf_token()
        return self.client.post(self.path + relative, data=form)

    def add_strand(self, label: str, **fields: Any) -> None:
        response = self.post("web/strands/new", {**STRAND, "label": label, **fields})
        assert response.status_code == 303, page_text(response)[:2000]

    def fill_centre_card(self, **fields: str) -> None:
        response = self.post("web/centre", fields)
        assert response.status_code == 303, page_text(response)[:2000]

    def share(self, shared: bool = True) -> TestResponse:
        return self.post("web/sharing", {"share": "yes" if shared else "no"})


def launch_as(
    app: Flask,
    platform: FakePlatform,
    user_key: str,
    claims: dict[str, Any] | None = None,
) -> Person:
    """A new browser, launched from the platform as `user_key` (claims as overrides)."""
    client = app.test_client()
    return Person(client, launch_path(platform.launch(client, user_key, claims_overrides=claims)))


def learner_claims(number: int, context: dict[str, str] | None = None) -> dict[str, Any]:
    """Another learner of the course: a sub and a name of their own (distinctive, to find leaks)."""
    claims: dict[str, Any] = {
        "sub": f"cohort-learner-{number:03d}",
        "name": f"Quillon Zéphyrine-{number:03d}",
        "given_name": f"Zéphyrine-{number:03d}",
        "family_name": "Quillon",
        "email": f"quillon.{number:03d}@example.org",
    }
    if context is not None:
        claims[CONTEXT] = context
    return claims


def launch_learner(
    app: Flask, platform: FakePlatform, number: int, context: dict[str, str] | None = None
) -> Person:
    return launch_as(app, platform, "priya", learner_claims(number, context))


def learner_name(number: int) -> str:
    return learner_claims(number)["name"]


def owner_id(app: Flask, sub: str, context_id: str | None = None) -> int:
    """The id of the web of the user `sub` in the course `context_id` (default: the demo course)."""
    with app.app_context():
        found = db.session.scalar(
            select(WebOwner.id)
            .join(User, WebOwner.user_id == User.id)
            .join(Context, WebOwner.context_id == Context.id)
            .where(User.sub == sub, Context.context_id == (context_id or "demo-course-1"))
        )
        db.session.remove()
    assert found is not None, f"no web for {sub} in {context_id}"
    return found


def strand_labels(app: Flask, web_id: int) -> list[str]:
    with app.app_context():
        labels = list(
            db.session.scalars(
                select(Strand.label).where(Strand.owner_id == web_id).order_by(Strand.id)
            )
        )
        db.session.remove()
    return labels


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs while the block runs."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_per_page(app: Flask, person: Person, pages: Iterable[str]) -> dict[str, int]:
    """SQL statements each page runs for `person`, after one warm-up request (caches: JWKS,
    translations)."""
    counts = {}
    for page in pages:
        person.get(page)
        with counted_queries(app) as statements:
            response = person.get(page)
        assert response.status_code == 200
        counts[page] = len(statements)
    return counts


def section(response: TestResponse, heading_id: str) -> str:
    """The HTML of the <section aria-labelledby=heading_id>."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>',
        response.get_data(as_text=True),
        re.S,
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def figures(response: TestResponse, heading_id: str) -> dict[str, str]:
    """A cohort table as {row heading: "count share" or "fewer than k"}."""
    rows = {}
    for head, cells in re.findall(
        r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', section(response, heading_id), re.S
    ):
        values = [unescape(v).strip() for v in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        rows[unescape(head).strip()] = " ".join(values)
    return rows


def each(count: int, build: Callable[[int], Any], start: int = 1) -> list[Any]:
    return [build(number) for number in range(start, start + count)]
