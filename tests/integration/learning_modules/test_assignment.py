"""Facilitator assignment per course, through real launches: the facilitator's page assigns single
modules and whole pathways, learners see assigned modules first and the rest as a library, and
nothing crosses from one course to another."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.learning_modules.domain.modules import PATHWAYS
from lti_tool.learning_modules.models import ModuleAssignment
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue
from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.my_web_pages import COURSE_B, csrf_token, launch
from tests.lti_helpers import page_text

CATALOGUE = load_catalogue(CONTENT_DIR / "en")
REQUIRED_SLUG = "scaling-questions"
OPTIONAL_SLUG = "appreciative-inquiry"
FACILITATOR, LEARNER = "amelie", "priya"
FEEDBACK = next(p for p in PATHWAYS if p.key == "feedback")


def row(slug: str, *, assigned: bool = True, required: bool = False, due: str = "") -> dict:
    values = {"module": slug, f"required-{slug}": "required" if required else "optional"}
    values[f"due-{slug}"] = due
    if assigned:
        values[f"assigned-{slug}"] = "on"
    return values


def post_rows(client: FlaskClient, base: str, *rows: dict, **extra: str):
    page = client.get(f"{base}modules/assign")
    assert page.status_code == 200
    data: dict[str, list[str] | str] = {"csrf_token": csrf_token(page), "module": [], **extra}
    for values in rows:
        for key, value in values.items():
            if key == "module":
                data["module"].append(value)
            else:
                data[key] = value
    return client.post(f"{base}modules/assign", data=data)


def section(response, title_id: str) -> str:
    html = response.get_data(as_text=True)
    match = re.search(rf'<section aria-labelledby="{title_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {title_id}"
    return match.group(1)


def slugs_in(html: str) -> list[str]:
    return [unescape(s) for s in re.findall(r'<a href="/l/[^/]+/modules/([^"/?#]+)"', html)]


def items_in(html: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>|\s+", " ", li))
        for li in re.findall(r"<li[^>]*>(.*?)</li>", html, re.S)
    ]


def count_assignments(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ModuleAssignment))


def test_facilitator_assigns_and_learner_sees_assigned_first(
    app: Flask, fake_platform: FakePlatform
) -> None:
    facilitator, learner = app.test_client(), app.test_client()
    base = launch(fake_platform, facilitator, FACILITATOR)

    page = facilitator.get(f"{base}modules/assign")
    assert page.status_code == 200
    text = page_text(page)
    for module in CATALOGUE.modules:
        assert module.title in text
    assert text.count("Assign this pathway") == len(PATHWAYS)
    assert 'type="date"' in page.get_data(as_text=True)

    saved = post_rows(
        facilitator,
        base,
        row(OPTIONAL_SLUG),
        row(REQUIRED_SLUG, required=True, due="2099-03-31"),
    )
    assert saved.status_code == 303
    confirmation = facilitator.get(saved.headers["Location"])
    assert "The assignments for this course are saved" in page_text(confirmation)
    assert 'id="assigned-scaling-questions" name="assigned-scaling-questions" checked' in (
        confirmation.get_data(as_text=True)
    )

    learner_base = launch(fake_platform, learner, LEARNER)
    catalogue = learner.get(f"{learner_base}modules/?pathway=assigned")
    assert catalogue.status_code == 200
    assigned = section(catalogue, "pathway-assigned")
    assert slugs_in(assigned) == [REQUIRED_SLUG, OPTIONAL_SLUG]
    first, second = items_in(assigned)
    assert "Required" in first
    assert "Due March 31, 2099" in first
    assert "Not started" in first
    assert "Assigned, optional" in second
    assert "Due" not in second
    assert "Due date passed" not in assigned
    # The whole list shows each module once, the assigned ones marked where they stand.
    everything = learner.get(f"{learner_base}modules/")
    all_items = [
        item
        for key in [p.key for p in PATHWAYS]
        for item in items_in(section(everything, f"pathway-{key}"))
    ]
    assert len(all_items) == len(CATALOGUE.modules)
    assert sum("Required" in item for item in all_items) == 1
    assert sum("Assigned, optional" in item for item in all_items) == 1
    assert "2 modules are assigned to you" in page_text(everything)
    html = catalogue.get_data(as_text=True)
    assert "modules/assign" not in html  # no facilitator link for learners

    # A whole pathway at once: existing assignments keep their terms.
    with_pathway = post_rows(facilitator, base, assign_pathway=FEEDBACK.key)
    assert with_pathway.status_code == 303
    assigned = slugs_in(
        section(learner.get(f"{learner_base}modules/?pathway=assigned"), "pathway-assigned")
    )
    assert assigned[0] == REQUIRED_SLUG
    assert set(assigned) == {REQUIRED_SLUG, *FEEDBACK.slugs}
    optional = [m.slug for m in CATALOGUE.modules if m.slug in set(assigned) - {REQUIRED_SLUG}]
    assert assigned[1:] == optional  # optional, undated: catalogue order

    # Unassigning removes it from the learner's list; it stays in the whole list, unmarked.
    assert post_rows(facilitator, base, row(REQUIRED_SLUG, assigned=False)).status_code == 303
    again = learner.get(f"{learner_base}modules/?pathway=assigned")
    assert REQUIRED_SLUG not in slugs_in(section(again, "pathway-assigned"))
    assert "Required" not in page_text(learner.get(f"{learner_base}modules/"))


def test_overdue_is_said_in_words_and_does_not_block(
    app: Flask, fake_platform: FakePlatform
) -> None:
    facilitator, learner = app.test_client(), app.test_client()
    base = launch(fake_platform, facilitator, FACILITATOR)
    post_rows(facilitator, base, row(REQUIRED_SLUG, required=True, due="2020-01-15"))
    learner_base = launch(fake_platform, learner, LEARNER)
    assigned = section(learner.get(f"{learner_base}modules/?pathway=assigned"), "pathway-assigned")
    assert "Due date passed" in assigned
    assert "January 15, 2020" in assigned
    assert learner.get(f"{learner_base}modules/{REQUIRED_SLUG}").status_code == 200


def test_facilitator_sees_a_link_to_the_assign_page(
    app: Flask, fake_platform: FakePlatform, client: FlaskClient
) -> None:
    base = launch(fake_platform, client, FACILITATOR)
    assert f'href="{base}modules/assign"' in client.get(f"{base}modules/").get_data(as_text=True)
    assert f'href="{base}modules/assign"' in client.get(base).get_data(as_text=True)


def test_learners_cannot_open_or_post_the_assign_page(
    app: Flask, fake_platform: FakePlatform, client: FlaskClient
) -> None:
    base = launch(fake_platform, client, LEARNER)
    assert client.get(f"{base}modules/assign").status_code == 403
    token = csrf_token(client.get(f"{base}modules/{REQUIRED_SLUG}"))
    posted = client.post(
        f"{base}modules/assign",
        data={"csrf_token": token, **row(REQUIRED_SLUG, required=True)},
    )
    assert posted.status_code == 403
    assert count_assignments(app) == 0


def test_assignments_stay_in_their_course(app: Flask, fake_platform: FakePlatform) -> None:
    facilitator, learner = app.test_client(), app.test_client()
    base = launch(fake_platform, facilitator, FACILITATOR)
    post_rows(facilitator, base, row(REQUIRED_SLUG, required=True))

    in_b = launch(fake_platform, learner, LEARNER, course=COURSE_B)
    page = learner.get(f"{in_b}modules/")
    assert page.status_code == 200
    assert "Assigned to you" not in page_text(page)

    facilitator_b = launch(fake_platform, facilitator, FACILITATOR, course=COURSE_B)
    form = facilitator.get(f"{facilitator_b}modules/assign").get_data(as_text=True)
    assert 'name="assigned-scaling-questions" checked' not in form


def test_missing_csrf_token_is_refused_and_nothing_saved(
    app: Flask, fake_platform: FakePlatform, client: FlaskClient
) -> None:
    base = launch(fake_platform, client, FACILITATOR)
    response = client.post(f"{base}modules/assign", data=row(REQUIRED_SLUG, required=True))
    assert response.status_code == 400
    assert count_assignments(app) == 0


def test_invalid_due_date_is_shown_and_nothing_saved(
    app: Flask, fake_platform: FakePlatform, client: FlaskClient
) -> None:
    base = launch(fake_platform, client, FACILITATOR)
    response = post_rows(
        client,
        base,
        row(OPTIONAL_SLUG),
        row(REQUIRED_SLUG, required=True, due="31/03/2099"),
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Nothing was saved" in text
    assert "Enter the due date as a date" in text
    html = response.get_data(as_text=True)
    assert 'value="31/03/2099" aria-invalid="true"' in html
    assert count_assignments(app) == 0

    fixed = post_rows(client, base, row(OPTIONAL_SLUG), row(REQUIRED_SLUG, due="2099-03-31"))
    assert fixed.status_code == 303
    assert count_assignments(app) == 2
