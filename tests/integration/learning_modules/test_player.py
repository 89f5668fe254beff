"""The module player through a real launch: sections seen and resumed, reflections drafted,
submitted as frozen versions, sanitised and kept private to their author and course."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.learning_modules.models import ModuleProgress, Reflection, ReflectionVersion
from lti_tool.learning_modules.services.catalogue import CONTENT_DIR, load_catalogue
from lti_tool.mentoring_web.models import WebSnapshot
from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.my_web_pages import (
    COURSE_B,
    add_strand,
    counted_queries,
    csrf_token,
    launch,
)
from tests.lti_helpers import CONTEXT, launch_path, page_text
from tests.page_forms import form_values

CATALOGUE = load_catalogue(CONTENT_DIR / "en")
SLUG = "scaling-questions"
MODULE = CATALOGUE.get(SLUG)
PROMPT = MODULE.prompts[0].id


def player(base: str, slug: str = SLUG) -> str:
    return f"{base}modules/{slug}"


def see_section(client: FlaskClient, base: str, section_id: str, slug: str = SLUG):
    page = client.get(f"{player(base, slug)}?section={section_id}")
    return client.post(
        f"{player(base, slug)}/sections/{section_id}/seen", data={"csrf_token": csrf_token(page)}
    )


def answer(
    client: FlaskClient,
    base: str,
    text: str,
    *,
    action: str = "save",
    prompt: str = PROMPT,
    visibility: str = "private",
    slug: str = SLUG,
):
    """Type `text` into one prompt of the reflection page and press its Save or Submit button,
    posting the whole page's form as a browser does."""
    page = client.get(f"{player(base, slug)}?section=reflection")
    values = form_values(page, f"/modules/{slug}/reflection")
    values.update(
        {
            f"answer-{prompt}": text,
            f"visibility-{prompt}": visibility,
            "action": f"{action}:{prompt}",
        }
    )
    return client.post(f"{player(base, slug)}/reflection", data=values)


def count(app: Flask, model) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return n


def current_step(response) -> str:
    match = re.search(r'<a href="[^"]*" [^>]*aria-current="step">(.*?)</a>', response.text, re.S)
    if match is None:
        match = re.search(r'<a href="[^"]*"\s*aria-current="step">(.*?)</a>', response.text, re.S)
    assert match, "no current step"
    return unescape(match.group(1))


def test_sections_seen_are_saved_and_resumed_in_a_new_launch(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    first = client.get(player(base))
    assert first.status_code == 200
    # the steps are the sections and the reflection page: the count says so
    assert f"Step 1 of {len(MODULE.sections) + 1}" in page_text(first)
    assert "Section 1 of" not in page_text(first)
    assert current_step(first) == MODULE.sections[0].title

    response = see_section(client, base, MODULE.sections[0].id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"?section={MODULE.sections[1].id}")

    other_browser = app.test_client()
    again = other_browser.get(player(launch(fake_platform, other_browser, "priya")))
    assert f"Step 2 of {len(MODULE.sections) + 1}" in page_text(again)
    assert current_step(again) == MODULE.sections[1].title
    assert f'id="section-{MODULE.sections[1].id}"' in again.text
    assert f'id="section-{MODULE.sections[0].id}"' not in again.text


def test_seeing_a_section_twice_is_recorded_once(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    see_section(client, base, MODULE.sections[0].id)
    see_section(client, base, MODULE.sections[0].id)
    with app.app_context():
        rows = db.session.scalars(select(ModuleProgress)).all()
        assert [row.sections_seen for row in rows] == [[MODULE.sections[0].id]]


def test_a_draft_is_saved_and_shown_and_submitting_freezes_versions(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = answer(client, base, "First thoughts — ça commence.")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "First thoughts — ça commence.</textarea>" in page.text
    assert "Your drafts were saved." in page_text(page)
    assert "Version 1" not in page.text

    answer(client, base, "My answer, version one.", action="submit")
    page = client.get(f"{player(base)}?section=reflection")
    assert "Version 1, submitted" in page.text
    assert "Your reflection was submitted." not in page_text(page)

    answer(client, base, "Revised after feedback.", action="submit")
    page = client.get(f"{player(base)}?section=reflection")
    text = page_text(page)
    assert text.index("Version 2, submitted") < text.index("Version 1, submitted")
    assert "My answer, version one." in text
    assert "Revised after feedback." in text


def test_completion_needs_every_section_and_every_prompt(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    add_strand(client, base)  # a web exists, so completion takes a milestone snapshot
    for prompt in MODULE.prompts:
        answer(client, base, f"Answer to {prompt.id}", action="submit", prompt=prompt.id)
    for section in MODULE.sections[:-1]:
        see_section(client, base, section.id)
    catalogue = client.get(base + "modules/")
    assert _status_of(catalogue, MODULE.title) == "In progress"
    assert count(app, WebSnapshot) == 0

    see_section(client, base, MODULE.sections[-1].id)

    catalogue = client.get(base + "modules/")
    assert _status_of(catalogue, MODULE.title) == "Completed"
    assert _status_of(catalogue, CATALOGUE.modules[0].title) == "Not started"
    with app.app_context():
        reasons = db.session.scalars(select(WebSnapshot.reason)).all()
        assert reasons == [f"module:{SLUG}"]
        progress = db.session.scalars(select(ModuleProgress)).one()
        assert progress.completed_at is not None


def test_sections_alone_do_not_complete_a_module(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    for section in MODULE.sections:
        see_section(client, base, section.id)
    answer(client, base, "Only a draft")
    page = client.get(player(base))
    assert "Questions to reflect on" in page.text
    assert current_step(page) == "Questions to reflect on"  # resumes at the reflection
    assert _status_of(client.get(base + "modules/"), MODULE.title) == "In progress"


def _status_of(catalogue, title: str) -> str:
    match = re.search(
        rf">{re.escape(title)}</a>.*?<span class=\"tag status-[^\"]+\">([^<]*)</span>",
        unescape(catalogue.text),
        re.S,
    )
    assert match, f"no status for {title}"
    return match.group(1)


def test_markup_in_an_answer_is_sanitised(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    answer(
        client,
        base,
        '<p onclick="steal()">I <strong>noticed</strong> <script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a> <a href="https://example.org">ok</a></p>',
        action="submit",
    )
    with app.app_context():
        stored = db.session.scalars(select(ReflectionVersion.html)).one()
    assert "<strong>noticed</strong>" in stored
    assert "script" not in stored
    assert "alert" not in stored
    assert "onclick" not in stored
    assert 'href="https://example.org"' in stored
    page = client.get(f"{player(base)}?section=reflection")
    assert "<script>alert(1)" not in page.text
    assert "<strong>noticed</strong>" in page.text


def test_an_empty_answer_cannot_be_submitted(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = answer(client, base, "  <p> </p> ", action="submit")
    assert response.status_code == 422
    assert "An empty answer cannot be submitted." in page_text(response)
    assert 'aria-invalid="true"' in response.text
    assert count(app, Reflection) == 0
    assert count(app, ReflectionVersion) == 0
    assert count(app, ModuleProgress) == 0


def test_visibility_is_saved(app: Flask, client: FlaskClient, fake_platform: FakePlatform) -> None:
    base = launch(fake_platform, client, "priya")
    answer(client, base, "Shared thoughts", action="submit", visibility="facilitator")
    page = client.get(f"{player(base)}?section=reflection")
    assert re.search(rf'id="visibility-{PROMPT}-facilitator"[^>]*checked', page.text)
    assert "Me and this course&#39;s facilitators" in page.text or "Me and this course's" in (
        page_text(page)
    )
    with app.app_context():
        assert db.session.scalars(select(Reflection.visibility)).one() == "facilitator"
        assert db.session.scalars(select(ReflectionVersion.visibility)).one() == "facilitator"
    assert answer(client, base, "x", visibility="everyone").status_code == 422


def test_another_learner_never_sees_my_reflection(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    see_section(client, base, MODULE.sections[0].id)
    answer(client, base, "Priya's private draft", action="submit")
    answer(client, base, "Priya's newer draft")

    other = app.test_client()
    zoe = launch(fake_platform, other, "zoe")
    page = other.get(f"{player(zoe)}?section=reflection")
    assert "Priya" not in page_text(page)
    assert "Version 1" not in page.text
    assert "Step 1 of" in page_text(other.get(player(zoe)))  # her own progress: none
    assert _status_of(other.get(zoe + "modules/"), MODULE.title) == "Not started"
    # Zoë writing to the same prompt makes her own reflection, never changes Priya's.
    answer(other, zoe, "Zoë's answer")
    mine = client.get(f"{player(base)}?section=reflection")
    assert "Priya&#39;s newer draft</textarea>" in mine.text
    assert "Zoë" not in page_text(mine)
    # No row id is exposed; unknown prompts and sections are not found.
    assert answer(other, zoe, "x", prompt="no-such-prompt").status_code == 404
    assert other.get(f"{player(zoe)}?section=no-such-section").status_code == 404


def test_another_course_has_separate_progress(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    see_section(client, base, MODULE.sections[0].id)
    answer(client, base, "In course A", action="submit")

    other = app.test_client()
    course_b = launch(fake_platform, other, "priya", course=COURSE_B)
    page = other.get(player(course_b))
    assert "Step 1 of" in page_text(page)
    reflection = other.get(f"{player(course_b)}?section=reflection")
    assert "In course A" not in page_text(reflection)
    assert _status_of(other.get(course_b + "modules/"), MODULE.title) == "Not started"


def test_without_csrf_nothing_is_written(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    client.get(player(base))
    seen = client.post(f"{player(base)}/sections/{MODULE.sections[0].id}/seen")
    saved = client.post(
        f"{player(base)}/reflection/{PROMPT}", data={"answer": "x", "action": "submit"}
    )
    assert seen.status_code == 400
    assert saved.status_code == 400
    assert count(app, ModuleProgress) == 0
    assert count(app, Reflection) == 0


def test_catalogue_queries_do_not_grow_with_modules_in_progress(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    see_section(client, base, CATALOGUE.modules[0].sections[0].id, CATALOGUE.modules[0].slug)
    with counted_queries(app) as few:
        assert client.get(base + "modules/").status_code == 200
    for module in CATALOGUE.modules[1:6]:
        see_section(client, base, module.sections[0].id, module.slug)
        answer(client, base, "draft", prompt=module.prompts[0].id, slug=module.slug)
    with counted_queries(app) as many:
        page = client.get(base + "modules/")
    assert page_text(page).count("In progress") >= 6
    assert len(many) == len(few)


def test_a_launch_without_a_course_has_no_progress(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    response = fake_platform.launch(client, "priya", claims_overrides={CONTEXT: None})
    base = launch_path(response)
    assert client.get(base + "modules/").status_code == 200  # the catalogue can still be read
    assert client.get(player(base)).status_code == 403
