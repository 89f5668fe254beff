"""Building a web through a real launch: the centre card, adding, editing, ending and removing
strands, what the page then shows (table, picture, score), and the form's refusals and warnings."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.mentoring_web.models import Strand
from tests.integration.mentoring_web.my_web_pages import (
    add_strand,
    csrf_token,
    launch,
    nodes,
    picture,
    post_form,
    strand_ids,
    strand_values,
    table_labels,
)
from tests.lti_helpers import page_text


def strand_rows(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Strand))
        db.session.remove()
    return count


def test_an_empty_web_invites_a_first_strand(client, fake_platform):
    base = launch(fake_platform, client)
    page = client.get(base + "web/")
    text = page_text(page)
    assert page.status_code == 200
    assert "No strands yet" in text
    assert "Web strength 0 out of 20" in text
    assert nodes(picture(page)) == []
    assert 'role="img"' in picture(page)
    assert "<title" in picture(page)
    assert "<desc" in picture(page)


def test_a_learner_adds_a_strand_and_sees_it_in_the_table_the_picture_and_the_score(
    client, fake_platform
):
    base = launch(fake_platform, client)
    response = add_strand(client, base)
    assert response.headers["Location"].endswith(base + "web/")

    page = client.get(base + "web/")
    text = page_text(page)
    assert table_labels(page) == ["M.K. (Gr. 1 teaching partner)"]
    assert nodes(picture(page)) == ["M.K. (Gr. 1 teaching partner)"]
    # One active strand, one family, two supports, one model, no mutuality: 1+1+2+0+0.
    assert "Web strength 4 out of 20" in text
    assert "Seed" in text
    assert "Teaching colleagues" in text
    assert "8/10" in text


def test_editing_a_strand_changes_what_the_page_shows(client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)
    strand_id = strand_ids(client.get(base + "web/"))["M.K. (Gr. 1 teaching partner)"]

    form = client.get(base + f"web/strands/{strand_id}/edit")
    assert form.status_code == 200
    assert 'value="M.K. (Gr. 1 teaching partner)"' in form.get_data(as_text=True)

    changed = strand_values(
        label="Maya K., teaching partner",
        direction="mutual",
        i_offer="Play-based assessment ideas",
        supports=["instructional_practice", "wellbeing_emotional", "feedback_reflection"],
    )
    response = post_form(client, base + f"web/strands/{strand_id}/edit", changed)
    assert response.status_code == 303

    page = client.get(base + "web/")
    assert table_labels(page) == ["Maya K., teaching partner"]
    assert nodes(picture(page)) == ["Maya K., teaching partner"]
    # Three supports, and mutuality now counts: 1+1+3+0+1.
    assert "Web strength 6 out of 20" in page_text(page)
    assert "We support each other" in page_text(page)


def test_ending_a_strand_keeps_it_in_the_table_but_not_in_the_picture_or_score(
    client, fake_platform
):
    base = launch(fake_platform, client)
    add_strand(client, base)
    page = client.get(base + "web/")
    strand_id = strand_ids(page)["M.K. (Gr. 1 teaching partner)"]

    response = client.post(
        base + f"web/strands/{strand_id}/end", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303

    page = client.get(base + "web/")
    assert table_labels(page) == ["M.K. (Gr. 1 teaching partner)"]
    assert '<tr class="ended">' in page.get_data(as_text=True)
    assert "Ended" in page_text(page)
    assert nodes(picture(page)) == []
    assert "Web strength 0 out of 20" in page_text(page)


def test_removing_a_strand_asks_first_then_deletes_it(app, client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)
    strand_id = strand_ids(client.get(base + "web/"))["M.K. (Gr. 1 teaching partner)"]

    confirm = client.get(base + f"web/strands/{strand_id}/remove")
    assert confirm.status_code == 200
    assert "Remove “M.K. (Gr. 1 teaching partner)” from my web?" in page_text(confirm)
    assert strand_rows(app) == 1

    response = client.post(
        base + f"web/strands/{strand_id}/remove", data={"csrf_token": csrf_token(confirm)}
    )
    assert response.status_code == 303
    page = client.get(base + "web/")
    assert table_labels(page) == []
    assert nodes(picture(page)) == []
    assert strand_rows(app) == 0


def test_an_invalid_strand_is_shown_again_with_its_errors_and_nothing_is_saved(
    app, client, fake_platform
):
    base = launch(fake_platform, client)
    values = strand_values(label="", supports=None, strength="11", model="", board_role="")
    response = post_form(client, base + "web/strands/new", values)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    text = page_text(response)
    assert 'class="error-summary" role="alert"' in body
    assert "Name this support: initials or a short description are fine." in text
    assert "Use a whole number from 1 to 10, or leave it blank." in text
    assert "Their role: Choose one of the options." in text
    # Supports and model are details to add later, never a reason to refuse a strand.
    assert "kind of support" not in text
    assert "Which model of mentorship is this?: " not in text
    # Each error is tied to its field, and the summary links to it.
    assert 'aria-invalid="true"' in body
    assert 'href="#label"' in body
    assert 'aria-describedby="label-hint label-error"' in body
    assert strand_rows(app) == 0
    assert table_labels(client.get(base + "web/")) == []


def test_a_student_strand_must_be_a_group(app, client, fake_platform):
    base = launch(fake_platform, client)
    values = strand_values(
        label="Lucas", kind="individual", board_role="students", model="with_students"
    )
    response = post_form(client, base + "web/strands/new", values)

    assert response.status_code == 422
    assert (
        "Students are always a group strand: describe the group (for example “my period 3 "
        "class”), never a name."
    ) in page_text(response)
    assert strand_rows(app) == 0


def test_a_student_group_label_that_looks_like_a_name_gets_a_warning(app, client, fake_platform):
    base = launch(fake_platform, client)
    values = strand_values(
        label="Emma Tremblay", kind="group", board_role="students", model="with_students"
    )
    response = post_form(client, base + "web/strands/new", values)

    assert response.status_code == 200  # a warning, not an error
    text = page_text(response)
    assert "This looks like a person’s name." in text
    assert 'role="status"' in response.get_data(as_text=True)
    assert strand_rows(app) == 0

    # The learner may keep the label after seeing the warning: a heuristic never blocks.
    token = csrf_token(response)
    checked = re.search(r'name="label_checked" value="([^"]*)"', response.get_data(as_text=True))
    assert checked is not None
    kept = client.post(
        base + "web/strands/new",
        data={**values, "csrf_token": token, "label_checked": checked.group(1)},
    )
    assert kept.status_code == 303
    assert strand_rows(app) == 1


def test_a_group_description_of_students_gets_no_warning(app, client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(
        client,
        base,
        label="My period 3 class",
        kind="group",
        board_role="students",
        model="with_students",
    )
    assert table_labels(client.get(base + "web/")) == ["My period 3 class"]


def test_the_centre_card_is_edited_and_shown(client, fake_platform):
    base = launch(fake_platform, client)
    page = client.get(base + "web/")
    assert "Fill in my centre card" in page_text(page)

    response = post_form(
        client,
        base + "web/centre",
        {
            "board_role": "early_childhood_educator",
            "years_in_role": "lt1",
            "strengths": "I build trust with families quickly\nSongs for every transition",
            "quiet_victories": "A shy child joined the circle today",
            "goals": "Plan play-based inquiry with my teaching partner",
        },
    )
    assert response.status_code == 303

    text = page_text(client.get(base + "web/"))
    assert "Designated Early Childhood Educator (DECE/ECE)" in text
    assert "I build trust with families quickly" in text
    assert "Songs for every transition" in text
    assert "A shy child joined the circle today" in text
    assert "Edit my centre card" in text

    form = client.get(base + "web/centre")
    assert "Songs for every transition" in page_text(form)


def test_an_invalid_centre_card_is_refused(client, fake_platform):
    base = launch(fake_platform, client)
    response = post_form(
        client, base + "web/centre", {"strengths": "one\ntwo\nthree\nfour", "board_role": ""}
    )
    assert response.status_code == 422
    assert "Keep up to three." in page_text(response)
    assert "Fill in my centre card" in page_text(client.get(base + "web/"))


def test_planned_and_i_support_strands_are_drawn_differently(client, fake_platform):
    base = launch(fake_platform, client)
    new_planned = client.get(base + "web/strands/new?planned=1").get_data(as_text=True)
    # The quick form asks only for a label and a role; "planned" comes with it.
    assert '<input type="hidden" name="status" value="planned">' in new_planned
    add_strand(
        client,
        base,
        label="Board FSL coach",
        board_role="instructional_coach",
        status="planned",
        model="e_mentoring",
        location="same_board_other_site",
    )
    add_strand(
        client,
        base,
        label="My Gr. 3 class",
        kind="group",
        board_role="students",
        model="with_students",
        direction="i_support",
        i_offer="Time and attention",
    )
    add_strand(client, base)

    svg = picture(client.get(base + "web/"))
    drawn = re.findall(r'<g class="strand ([^"]*)"', svg)
    planned = _strand_group(svg, "strand--planned")
    i_support = _strand_group(svg, "strand--i_support")
    plain = _strand_group(svg, "strand--active strand--supports_me")
    assert len(drawn) == 3
    assert "stroke-dasharray" in planned
    assert 'class="arrowhead"' not in planned
    assert 'class="arrowhead"' in i_support
    assert i_support.count('class="arrowhead"') == 1  # one way: from me to them
    assert "stroke-dasharray" not in i_support
    assert "stroke-dasharray" not in plain
    assert 'class="arrowhead"' not in plain
    # The legend says what the line styles mean, in words.
    assert "Dashed line, hollow shape" in svg
    assert "Arrow outward" in svg
    # A planned strand is not yet part of the score: 1 active strand supports me.
    text = page_text(client.get(base + "web/"))
    assert "Planned: someone I want to reach" in text


def _strand_group(svg: str, css: str) -> str:
    match = re.search(rf'<g class="strand [^"]*{css}[^"]*"[^>]*>(.*?)</g>', svg)
    assert match, f"no strand drawn with {css}"
    return match.group(1)
