"""Helpers for the progress grid tests (this module holds no tests of its own).

People arrive by real LTI launches and make progress through the tool's own forms: the facilitator
assigns modules on the assignment page, learners see sections and submit reflections in the
player, the facilitator gives feedback through the review form. What the grid shows is read back
from its HTML table, the export from its bytes.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from html import unescape
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from lti_tool.extensions import db
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue
from lti_tool.people.models import Context, Membership, User
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import answer, see_section
from tests.integration.mentoring_web.my_web_pages import csrf_token
from tests.integration.mentoring_web.test_privacy_helpers import Person

CATALOGUE = load_catalogue(CONTENT_DIR / "en")
LISTENING = CATALOGUE.get("the-power-of-listening")
SCALING = CATALOGUE.get("scaling-questions")
TRUST = CATALOGUE.get("building-relational-trust")
DEMO_COURSE = "demo-course-1"


def grid(person: Person, **args: str) -> TestResponse:
    query = "&".join(f"{name}={value}" for name, value in args.items())
    return person.get("progress/" + (f"?{query}" if query else ""))


def assign(facilitator: Person, *terms: tuple[str, bool, str]) -> None:
    """Assign modules through the assignment form: (slug, required, due date or "")."""
    page = facilitator.get("modules/assign")
    data: dict[str, Any] = {"csrf_token": csrf_token(page), "module": [t[0] for t in terms]}
    for slug, required, due in terms:
        data[f"assigned-{slug}"] = "on"
        data[f"required-{slug}"] = "required" if required else "optional"
        data[f"due-{slug}"] = due
    response = facilitator.client.post(facilitator.path + "modules/assign", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]


def see(learner: Person, module, count: int | None = None) -> None:
    """See the module's first `count` sections (all by default) with the player's Next button."""
    for section in module.sections[:count]:
        response = see_section(learner.client, learner.path, section.id, slug=module.slug)
        assert response.status_code == 303


def submit(learner: Person, module, visibility: str = "facilitator", text: str = "") -> None:
    for prompt in module.prompts:
        response = answer(
            learner.client,
            learner.path,
            text or f"My reflection on {prompt.id}",
            action="submit",
            prompt=prompt.id,
            visibility=visibility,
            slug=module.slug,
        )
        assert response.status_code == 303


def complete(learner: Person, module, visibility: str = "facilitator") -> None:
    see(learner, module)
    submit(learner, module, visibility)


def review_all(facilitator: Person, module) -> int:
    """Give feedback on every shared version waiting in the module's review list; how many."""
    listing = facilitator.get(f"modules/{module.slug}/review").get_data(as_text=True)
    ids = sorted(set(re.findall(rf"/modules/{module.slug}/review/(\d+)", listing)))
    for version_id in ids:
        url = f"{facilitator.path}modules/{module.slug}/review/{version_id}"
        form = {
            "csrf_token": csrf_token(facilitator.client.get(url)),
            "strength": "A concrete moment, well described",
            "question": "What would you try next time?",
            "next_step": "",
            "action": "send",
        }
        assert facilitator.client.post(url, data=form).status_code == 303
    return len(ids)


def add_roster_only(
    app: Flask,
    platform: FakePlatform,
    sub: str,
    name: str,
    *,
    email: str | None = None,
    status: str = "active",
    context_id: str = DEMO_COURSE,
) -> None:
    """A learner the LMS roster lists who never launched the tool. In production the lead's NRPS
    roster sync inserts these rows (User + Membership with last_launch_at None); the course must
    exist already, i.e. someone launched from it."""
    with app.app_context():
        course = db.session.scalar(select(Context.id).where(Context.context_id == context_id))
        user = User(issuer=platform.issuer, sub=sub, name=name, email=email)
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Membership(
                context_id=course,
                user_id=user.id,
                role="learner",
                status=status,
                last_launch_at=None,
                roster_seen_at=datetime(2026, 1, 5, 9),
            )
        )
        db.session.commit()
        db.session.remove()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _heading(html: str) -> str:
    """A column heading's name: a module's title (in its `lang` span), else the heading's text."""
    title = re.search(r"<span lang=\"[^\"]*\">(.*?)</span>", html, re.S)
    return _text(title.group(1) if title else html)


def table_of(response: TestResponse) -> tuple[list[str], dict[str, list[str]]]:
    """(column headings, {row's person name: [cell texts]}) of the grid's table."""
    body = response.get_data(as_text=True)
    head = re.search(r"<thead>(.*?)</thead>", body, re.S)
    if head is None:
        return [], {}
    headings = [
        _heading(h) for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head.group(1), re.S)
    ]
    rows = {}
    tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
    for row in re.findall(r"<tr>(.*?)</tr>", tbody.group(1) if tbody else "", re.S):
        name = re.search(r'<th scope="row"[^>]*>([^<]*)', row)
        assert name, row
        rows[unescape(name.group(1)).strip()] = [
            _text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
    return headings, rows


def cells(response: TestResponse) -> dict[str, dict[str, str]]:
    """{person: {module title: cell text}} for the module columns (after Last activity, Submitted)."""
    headings, rows = table_of(response)
    return {
        person: dict(zip(headings[3:], values[2:], strict=True)) for person, values in rows.items()
    }


def people(response: TestResponse) -> list[str]:
    return list(table_of(response)[1])


def csv_lines(response: TestResponse) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))
