"""Every route with an integer id answers 404 to ids no row can have, never a 500.

The walk reads the URL map, like test_authorization.py: a facilitator (who may open the most pages)
tries each `<int:…>` rule with a 20-digit id, 2^31 (one past PostgreSQL's INTEGER), and a negative
id. Without the bounded converter SQLite raised OverflowError and PostgreSQL "integer out of range".
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.integration.mentoring_web.test_privacy_helpers import launch_as
from tests.integration.test_authorization import SLUG, path_for

PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")
HUGE_IDS = ("99999999999999999999", str(2**31), "-1", "-99999999999999999999")


def int_rules(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule))
    return sorted(found)


def test_the_walk_finds_integer_routes(app: Flask) -> None:
    assert len(int_rules(app)) >= 10


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_out_of_range_ids_are_404_on_every_route(app: Flask, fake_platform, huge: str) -> None:
    person = launch_as(app, fake_platform, "amelie")
    token = person.csrf_token()
    for method, rule in int_rules(app):
        path = path_for(rule, person, huge)
        if method == "GET":
            response = person.client.get(path)
        else:
            response = person.client.post(path, data={"csrf_token": token})
        assert response.status_code in (404, 405), (method, rule, response.status_code)


def test_the_largest_postgresql_integer_still_routes(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    rule = next(r for _m, r in int_rules(app) if r.count("<int:") == 1)
    path = PLACEHOLDER.sub(lambda m: "l1" if m.group(2) == "launch_id" else str(2**31 - 1), rule)
    path = path.replace("<slug>", SLUG)
    _endpoint, values = adapter.match(path, method=next(m for m, r in int_rules(app) if r == rule))
    assert 2**31 - 1 in values.values()


# Numbers in query strings: "²" passes str.isdigit but not int(), and a 20-digit number passed
# every check the pages made and reached the database.
QUERY_NUMBERS = ("²", "٣", "99999999999999999999")
QUERY_PAGES = (
    ("amelie", "roster/?page={}"),
    ("amelie", "progress/?page={}"),
    ("amelie", "web/copy?copied=1&source={}"),
    ("priya", "web/snapshots/compare?earlier={}&later={}"),
)


@pytest.mark.parametrize("number", QUERY_NUMBERS)
def test_a_number_no_row_can_have_in_a_query_string_is_never_a_500(
    app: Flask, fake_platform, number: str
) -> None:
    people = {key: launch_as(app, fake_platform, key) for key in ("amelie", "priya")}
    for key, query in QUERY_PAGES:
        person = people[key]
        response = person.client.get(person.path + query.format(number, number))
        assert response.status_code in (200, 404), (query, response.status_code)
