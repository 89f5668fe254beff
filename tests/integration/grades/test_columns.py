"""Every score lands in its own module's gradebook column, whichever link the learner came in by.

The course is set up as a Moodle teacher sets it up: a facilitator deep-links two modules and the
web builder (each module link carries its own column, resourceId = the module), and the site tool
says "Accept grades: Always", so the web-builder link and the course's plain tool link get a column
of their own too. Learners then complete modules from every entry point: a module's own link,
another module's link, the web builder's link and the plain link. What the LMS's gradebook holds
afterwards is what a teacher would see.
"""

from __future__ import annotations

import requests
from flask import Flask
from flask.testing import FlaskClient

from lti_tool.devplatform.course import ResourceLink
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue
from tests.fake_platform import HTTP_TIMEOUT, FakePlatform
from tests.integration.learning_modules.test_player import answer, see_section
from tests.integration.lti.test_deep_linking import _auto_post, _choose, _picker
from tests.lti_helpers import launch_path

CATALOGUE = load_catalogue(CONTENT_DIR / "en")
LINKED_A, LINKED_B = "mentoring-is", "learners-at-the-centre"
NOT_LINKED = "scaling-questions"


def _deep_link(fake_platform: FakePlatform, app: Flask) -> dict[str, ResourceLink]:
    """The facilitator adds two modules and the web builder; returns the LMS's new links."""
    client = app.test_client()
    picker = _picker(client, fake_platform)
    form = _auto_post(_choose(client, picker, [f"module:{LINKED_A}", f"module:{LINKED_B}", "web"]))
    with requests.Session() as http:
        answered = http.post(form.action, data=form.fields, timeout=HTTP_TIMEOUT)
    assert answered.status_code == 200, answered.text[:300]
    links = {
        link.custom.get("module") or link.custom.get("view"): link
        for link in fake_platform.state.extra_links
    }
    assert set(links) == {LINKED_A, LINKED_B, "web"}
    return links


def _accept_grades_always(fake_platform: FakePlatform, *links: ResourceLink) -> dict[str, int]:
    """Moodle's "Accept grades: Always": a column for a link that asked for none (100 points)."""
    course = fake_platform.course.id
    return {
        link.id: fake_platform.state.create_line_item(
            course, {"label": link.title, "scoreMaximum": 100, "resourceLinkId": link.id}
        ).number
        for link in links
    }


def _column_of(fake_platform: FakePlatform, slug: str) -> int:
    [number] = [
        n
        for n, item in fake_platform.state.line_items.items()
        if item.fields.get("resourceId") == slug
    ]
    return number


def _complete(app: Flask, fake_platform: FakePlatform, user: str, link: ResourceLink, slug: str):
    """`user` launches `link`, goes to `slug` (by the module list when it is another module's
    link) and completes it: every prompt submitted, every section seen."""
    client: FlaskClient = app.test_client()
    base = launch_path(fake_platform.launch(client, user, link=link))
    assert client.get(base + "modules/").status_code == 200
    module = CATALOGUE.get(slug)
    for prompt in module.prompts:
        answered = answer(
            client, base, f"Réponse {prompt.id}", action="submit", prompt=prompt.id, slug=slug
        )
        assert answered.status_code in (200, 303)
    for section in module.sections:
        see_section(client, base, section.id, slug=slug)


def _scores(fake_platform: FakePlatform) -> dict[int, set[str]]:
    by_column: dict[int, set[str]] = {n: set() for n in fake_platform.state.line_items}
    for score in fake_platform.state.scores:
        by_column[score.line_item].add(score.user_id)
    return by_column


def test_each_score_reaches_its_own_modules_column_from_every_entry_point(
    app: Flask, fake_platform: FakePlatform
) -> None:
    links = _deep_link(fake_platform, app)
    plain = fake_platform.link()
    web_columns = _accept_grades_always(fake_platform, links["web"], plain)
    column_a, column_b = _column_of(fake_platform, LINKED_A), _column_of(fake_platform, LINKED_B)
    sub = {key: fake_platform.member(key).sub for key in ("priya", "zoe", "jean-francois")}

    # Through module A's link, the learner opens the module list and completes module B.
    _complete(app, fake_platform, "priya", links[LINKED_A], LINKED_B)
    # Through the web builder's link, a module no link was made for: its column is created once.
    _complete(app, fake_platform, "priya", links["web"], NOT_LINKED)
    # Through module A's own link, module A.
    _complete(app, fake_platform, "priya", links[LINKED_A], LINKED_A)
    # Through the course's plain tool link, module A: found by its resourceId.
    _complete(app, fake_platform, "zoe", plain, LINKED_A)
    # Through module B's link, the module that had no link: the column made above, not a new one.
    _complete(app, fake_platform, "jean-francois", links[LINKED_B], NOT_LINKED)

    column_c = _column_of(fake_platform, NOT_LINKED)
    assert "resourceLinkId" not in fake_platform.state.line_items[column_c].fields
    assert len(fake_platform.state.line_items) == 5  # A, B, C, and the two "Always" columns
    assert _scores(fake_platform) == {
        column_a: {sub["priya"], sub["zoe"]},
        column_b: {sub["priya"]},
        column_c: {sub["priya"], sub["jean-francois"]},
        web_columns[links["web"].id]: set(),  # the web builder's column never gets a score
        web_columns[plain.id]: set(),
    }
    assert all(s.score["scoreMaximum"] == 1 for s in fake_platform.state.scores)


def test_a_column_deleted_in_the_lms_is_found_again_not_posted_to(
    app: Flask, fake_platform: FakePlatform
) -> None:
    plain = fake_platform.link()
    _complete(app, fake_platform, "priya", plain, NOT_LINKED)
    first = _column_of(fake_platform, NOT_LINKED)
    fake_platform.state.delete_line_item(fake_platform.state.line_items[first])

    _complete(app, fake_platform, "zoe", plain, NOT_LINKED)

    second = _column_of(fake_platform, NOT_LINKED)
    assert second != first
    assert _scores(fake_platform) == {second: {fake_platform.member("zoe").sub}}
