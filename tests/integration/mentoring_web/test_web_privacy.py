"""Nobody else reaches my web: other learners, a facilitator or mentor without a share, another
course, another browser, or a forged form. Each refusal leaves the web exactly as it was."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.mentoring_web.models import Strand, WebOwner, WebSnapshot
from tests.integration.mentoring_web.my_web_pages import (
    COURSE_B,
    add_strand,
    csrf_token,
    launch,
    nodes,
    picture,
    strand_ids,
    strand_values,
    table_labels,
)
from tests.lti_helpers import page_text

PRIYA_LABEL = "M.K. (Gr. 1 teaching partner)"


def state(app: Flask) -> dict[str, object]:
    """Every strand's (owner, label, status), and the snapshot and web counts."""
    with app.app_context():
        strands = [
            tuple(row)
            for row in db.session.execute(
                select(Strand.owner_id, Strand.label, Strand.status).order_by(Strand.id)
            )
        ]
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (WebOwner, WebSnapshot)
        }
        db.session.remove()
    return {"strands": strands, **counts}


@pytest.fixture
def priya(app, client, fake_platform) -> tuple[str, int, int]:
    """Priya's launch path, her strand's id and her snapshot's id."""
    base = launch(fake_platform, client, "priya")
    add_strand(client, base)
    page = client.get(base + "web/")
    client.post(base + "web/snapshots", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        snapshot_id = db.session.scalar(select(WebSnapshot.id))
        db.session.remove()
    return base, strand_ids(page)[PRIYA_LABEL], snapshot_id


@pytest.mark.parametrize("intruder", ["zoe", "amelie", "marc"])
def test_another_member_of_the_course_cannot_reach_my_strand(app, fake_platform, priya, intruder):
    """A learner, the facilitator and a mentor alike: without a share, my strand id is not found."""
    _base, strand_id, snapshot_id = priya
    before = state(app)
    other = app.test_client()
    base = launch(fake_platform, other, intruder)
    token = csrf_token(other.get(base + "web/strands/new"))

    assert other.get(base + f"web/strands/{strand_id}/edit").status_code == 404
    assert other.get(base + f"web/strands/{strand_id}/remove").status_code == 404
    edit = other.post(
        base + f"web/strands/{strand_id}/edit",
        data={**strand_values(label="Taken over"), "csrf_token": token},
    )
    assert edit.status_code == 404
    end = other.post(base + f"web/strands/{strand_id}/end", data={"csrf_token": token})
    assert end.status_code == 404
    remove = other.post(base + f"web/strands/{strand_id}/remove", data={"csrf_token": token})
    assert remove.status_code == 404
    assert "There is no such strand in your web." in page_text(remove)

    for query in (f"earlier={snapshot_id}", f"later={snapshot_id}"):
        assert other.get(base + f"web/snapshots/compare?{query}").status_code == 404

    # Their own pages show their own (empty) web, never mine.
    page = other.get(base + "web/")
    assert PRIYA_LABEL not in page_text(page)
    assert table_labels(page) == []
    assert nodes(picture(page)) == []
    for path in ("web/snapshots", "web/summary", "web/export.svg", "web/export.json"):
        response = other.get(base + path)
        assert response.status_code == 200, path
        assert "M.K." not in response.get_data(as_text=True), path
    assert "No snapshots yet" in page_text(other.get(base + "web/snapshots"))
    assert state(app) == before


def test_another_learners_snapshot_is_their_own(app, fake_platform, priya):
    _base, _strand_id, snapshot_id = priya
    zoe = app.test_client()
    base = launch(fake_platform, zoe, "zoe")
    response = zoe.post(
        base + "web/snapshots", data={"csrf_token": csrf_token(zoe.get(base + "web/"))}
    )
    assert response.status_code == 303
    listing = page_text(zoe.get(base + "web/snapshots"))
    assert listing.count("Taken on request") == 1
    assert "0 out of 20" in listing
    zoes = re.search(r"earlier=(\d+)", listing)
    assert zoes is not None
    assert int(zoes.group(1)) != snapshot_id
    # Comparing her snapshot with mine is still "not found".
    compare = f"web/snapshots/compare?earlier={zoes.group(1)}&later={snapshot_id}"
    assert zoe.get(base + compare).status_code == 404


def test_a_launch_in_another_course_has_its_own_empty_web(app, client, fake_platform, priya):
    base_a, strand_id, snapshot_id = priya
    before = state(app)
    base_b = launch(fake_platform, client, "priya", course=COURSE_B)
    assert base_b != base_a

    page = client.get(base_b + "web/")
    assert page.status_code == 200
    assert table_labels(page) == []
    assert "Web strength 0 out of 20" in page_text(page)
    token = csrf_token(page)
    assert client.get(base_b + f"web/strands/{strand_id}/edit").status_code == 404
    end = client.post(base_b + f"web/strands/{strand_id}/end", data={"csrf_token": token})
    assert end.status_code == 404
    remove = client.post(base_b + f"web/strands/{strand_id}/remove", data={"csrf_token": token})
    assert remove.status_code == 404
    compare = client.get(base_b + f"web/snapshots/compare?earlier={snapshot_id}")
    assert compare.status_code == 404
    assert client.get(base_b + "web/export.json").get_json()["strands"] == []
    assert state(app) == before


def test_a_learner_in_two_courses_has_two_webs(app, client, fake_platform, priya):
    base_a, _strand_id, _snapshot_id = priya
    base_b = launch(fake_platform, client, "priya", course=COURSE_B)
    add_strand(client, base_b, label="Cohort B circle", kind="group", model="group")

    # Both launches stay usable in one browser, each tab with its own course.
    assert table_labels(client.get(base_a + "web/")) == [PRIYA_LABEL]
    assert table_labels(client.get(base_b + "web/")) == ["Cohort B circle"]
    exported = client.get(base_b + "web/export.json").get_json()
    assert exported["course"]["title"] == COURSE_B["title"]
    with app.app_context():
        webs = db.session.scalar(select(func.count()).select_from(WebOwner))
        db.session.remove()
    assert webs == 2


def test_another_browser_with_my_launch_url_is_refused(app, fake_platform, priya):
    base, strand_id, snapshot_id = priya
    before = state(app)
    stranger = app.test_client()
    for path in (
        "web/",
        "web/snapshots",
        f"web/snapshots/compare?earlier={snapshot_id}",
        "web/summary",
        "web/export.svg",
        "web/export.png",
        "web/export.json",
        f"web/strands/{strand_id}/edit",
    ):
        response = stranger.get(base + path)
        assert response.status_code == 401, path
        assert "M.K." not in response.get_data(as_text=True), path
    # A POST is refused too, by the missing CSRF session or the launch binding.
    response = stranger.post(base + f"web/strands/{strand_id}/end")
    assert response.status_code in (400, 401)
    assert state(app) == before


def test_posts_without_the_csrf_token_change_nothing(app, client, priya):
    base, strand_id, _snapshot_id = priya
    before = state(app)
    for path, data in (
        (f"web/strands/{strand_id}/end", {}),
        (f"web/strands/{strand_id}/remove", {}),
        (f"web/strands/{strand_id}/edit", strand_values(label="Changed")),
        ("web/strands/new", strand_values(label="Sneaked in")),
        ("web/snapshots", {}),
        ("web/centre", {"strengths": "Changed"}),
    ):
        response = client.post(base + path, data=data)
        assert response.status_code == 400, path
        response = client.post(base + path, data={**data, "csrf_token": "forged"})
        assert response.status_code == 400, path
    assert state(app) == before
    assert table_labels(client.get(base + "web/")) == [PRIYA_LABEL]
