"""Every page a role may not open refuses it, whoever wrote the page and whenever it was added.

The walk reads the app's URL map: each view guarded by `roles_required` says which tool roles may
open it, so a learner is tried on every facilitator page and export, a mentor on every facilitator
page, and learners and facilitators on the mentor's pages. Each request is a real launch's
browser with a valid CSRF token (so a POST is refused for the role, not for the form), and the
answer must be 403 with nothing of the page in it.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from lti_tool.lti.roles import ToolRole
from tests.integration.mentoring_web.test_privacy_helpers import Person, launch_as

SLUG = "the-power-of-listening"
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


def guarded_rules(app: Flask) -> list[tuple[str, str, frozenset[ToolRole]]]:
    """(method, rule, allowed roles) for every route guarded by `roles_required`."""
    found = []
    for rule in app.url_map.iter_rules():
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if allowed is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, allowed))
    return sorted(found)


def path_for(rule: str, person: Person, int_value: str = "1") -> str:
    """The rule with this person's launch id and plausible values: a real module, id `int_value`."""
    launch_id = person.path.strip("/").split("/")[1]

    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "launch_id":
            return launch_id
        if name == "slug":
            return SLUG
        return int_value if converter == "int" else "x"

    return PLACEHOLDER.sub(value, rule)


def request_as(person: Person, method: str, rule: str):
    path = path_for(rule, person)
    if method == "GET":
        return person.client.get(path)
    return person.client.post(path, data={"csrf_token": person.csrf_token()})


@pytest.fixture
def everyone(app, fake_platform) -> dict[ToolRole, Person]:
    return {
        ToolRole.FACILITATOR: launch_as(app, fake_platform, "amelie"),
        ToolRole.LEARNER: launch_as(app, fake_platform, "jean-francois"),
        ToolRole.MENTOR: launch_as(app, fake_platform, "marc"),
    }


def test_the_walk_finds_the_pages_it_must_guard(app):
    rules = {rule for _method, rule, _roles in guarded_rules(app)}
    for expected in (
        "/l/<launch_id>/progress/",
        "/l/<launch_id>/progress/export.csv",
        "/l/<launch_id>/roster/",
        "/l/<launch_id>/roster/sync",
        "/l/<launch_id>/web/cohort",
        "/l/<launch_id>/web/cohort/report",
        "/l/<launch_id>/web/shared",
        "/l/<launch_id>/modules/assign",
        "/l/<launch_id>/grades/",
        "/l/<launch_id>/web/mentees/<int:user_id>",
        "/l/<launch_id>/modules/mentees/<int:user_id>",
    ):
        assert expected in rules, f"{expected} is not guarded by roles_required"


@pytest.mark.parametrize("role", [ToolRole.LEARNER, ToolRole.MENTOR, ToolRole.FACILITATOR])
def test_no_role_opens_a_page_it_is_not_allowed(app, everyone, role):
    person = everyone[role]
    refused = []
    for method, rule, allowed in guarded_rules(app):
        if role in allowed:
            continue
        response = request_as(person, method, rule)
        assert response.status_code == 403, (method, rule, response.status_code)
        assert "Your role in this course does not give access to this page." in response.text
        refused.append(rule)
    assert refused, f"no page is closed to the {role.value} role"


def test_a_learner_never_gets_an_export_or_a_roster(app, everyone):
    learner = everyone[ToolRole.LEARNER]
    export = learner.get("progress/export.csv")
    assert export.status_code == 403
    assert export.mimetype == "text/html"  # an error page, never a CSV
    assert "Priya" not in export.text
    assert "Priya" not in learner.get("roster/").text
