"""Issue 12, the learner's way through the web: a strand added with two answers, every strand
saying whether it counts, a band that agrees with its checklist, ending that asks first, a
student label that looks like a name warned about and never printed, the way to the modules."""

from __future__ import annotations

import json
import re
from html import unescape

from tests.integration.mentoring_web.my_web_pages import (
    add_strand,
    csrf_token,
    launch,
    post_form,
    strand_ids,
    table_labels,
)
from tests.lti_helpers import page_text


def quick_add(client, base: str, label: str, board_role: str, **more: str):
    return post_form(
        client, base + "web/strands/new", {"label": label, "board_role": board_role, **more}
    )


def visible(page) -> str:
    """The page's text as a person reads it: tags out, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))).split())


def row_text(page, label: str) -> str:
    """The visible text of the strand's row (its card on a phone)."""
    body = page.get_data(as_text=True)
    start = body.find(f'<th scope="row">{label}')
    assert start >= 0, f"no row for {label}"
    row = body[start : body.find("</tr>", start)]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())


def test_the_quick_form_asks_for_a_label_and_a_role_only(client, fake_platform):
    base = launch(fake_platform, client)
    form = client.get(base + "web/strands/new").get_data(as_text=True)
    visible = re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*name="([^"]+)"', form
    )
    assert visible == ["label", "board_role"]


def test_a_quick_strand_is_saved_confirmed_and_says_what_makes_it_count(client, fake_platform):
    base = launch(fake_platform, client)
    response = quick_add(client, base, "IT help desk", "business_support_staff")
    assert response.status_code == 303

    page = client.get(base + "web/")
    body = page.get_data(as_text=True)
    # The confirmation is focusable and marked to be focused, with the way to the details.
    confirmation = re.search(
        r'<div class="confirmation" role="status" tabindex="-1" data-focus-on-load>(.*?)</div>',
        body,
        re.S,
    )
    assert confirmation is not None
    strand_id = strand_ids(page)["IT help desk"]
    assert f'/web/strands/{strand_id}/edit">Add details</a>' in confirmation.group(1)
    assert "“IT help desk” is in your web." in page_text(page)
    # The strand says it does not count yet, why, and how to fix it.
    row = row_text(page, "IT help desk")
    assert "Does not count yet. Add how often you are in touch." in row
    assert "Details to add: what it gives you, the model of mentorship, where they are." in row
    assert "Web strength 0 out of 20" in page_text(page)
    # The confirmation is shown once.
    assert "is in your web" not in page_text(client.get(base + "web/"))


def test_a_just_in_time_strand_without_a_date_says_to_add_when_you_last_talked(
    client, fake_platform
):
    base = launch(fake_platform, client)
    add_strand(client, base, label="Teaching partner")
    add_strand(
        client,
        base,
        label="IT help desk",
        board_role="business_support_staff",
        location="same_board_other_site",
        frequency="just_in_time",
        last_contact_on="",
    )
    page = client.get(base + "web/")
    assert "Does not count yet" in row_text(page, "IT help desk")
    assert "Add when you last talked." in row_text(page, "IT help desk")
    assert "Counts toward your web strength." in row_text(page, "Teaching partner")
    text = page_text(page)
    assert "All your strands are in your building" not in text
    assert "Some of your active strands do not count yet." in text


def test_details_lead_with_what_makes_it_count_and_link_the_models_module(client, fake_platform):
    base = launch(fake_platform, client)
    quick_add(client, base, "IT help desk", "business_support_staff")
    strand_id = strand_ids(client.get(base + "web/"))["IT help desk"]
    details = client.get(base + f"web/strands/{strand_id}/edit")
    body = details.get_data(as_text=True)
    assert "Details of “IT help desk”" in page_text(details)
    assert "Does not count yet. Add how often you are in touch." in page_text(details)
    assert body.index('name="frequency"') < body.index('name="model"')
    assert re.search(
        r'href="[^"]*/modules/multiple-models-of-mentorship[^"]*">“<span lang="[a-z]+">'
        r"Multiple Models of Mentorship</span>”</a> explains each model",
        body,
    )

    # Adding how often moves the score, and the confirmation says it was saved.
    saved = post_form(
        client,
        base + f"web/strands/{strand_id}/edit",
        {"label": "IT help desk", "board_role": "business_support_staff", "frequency": "monthly"},
    )
    assert saved.status_code == 303
    page = client.get(base + "web/")
    assert "“IT help desk” is saved." in page_text(page)
    assert "Counts toward your web strength." in row_text(page, "IT help desk")
    assert "Web strength 2 out of 20" in page_text(page)  # S1 R1


def test_four_strands_with_17_points_are_growing_and_say_why(client, fake_platform):
    base = launch(fake_platform, client)
    strands = [
        ("Teaching partner", "classroom_teacher_elementary", "co_mentoring", "mutual", "8"),
        ("Our VP", "principal_vice_principal", "broker", "supports_me", "7"),
        ("Coach", "instructional_coach", "one_to_one_chosen", "supports_me", ""),
        ("EA", "educational_assistant", "flash", "supports_me", ""),
    ]
    supports = [
        ["instructional_practice", "wellbeing_emotional"],
        ["system_navigation", "career_growth"],
        ["content_role_expertise"],
        ["instructional_practice"],
    ]
    for (label, role, model, direction, strength), given in zip(strands, supports, strict=True):
        add_strand(
            client,
            base,
            label=label,
            board_role=role,
            model=model,
            direction=direction,
            i_offer="Ideas" if direction == "mutual" else "",
            strength=strength,
            supports=given,
        )
    text = visible(client.get(base + "web/"))
    assert "Growing · Web strength 17 out of 20" in text
    assert "Not yet: At least 5 active strands (4/5)" in text
    assert "it becomes Strong once every item above is met" in text
    assert "Strong ·" not in text

    add_strand(client, base, label="Office manager", board_role="office_administrator")
    text = visible(client.get(base + "web/"))
    assert "Strong · Web strength 18 out of 20" in text


def test_ending_a_strand_asks_first(client, fake_platform):
    base = launch(fake_platform, client)
    add_strand(client, base)
    page = client.get(base + "web/")
    strand_id = strand_ids(page)["M.K. (Gr. 1 teaching partner)"]
    body = page.get_data(as_text=True)
    assert f'<a href="{base}web/strands/{strand_id}/end">End' in body

    confirm = client.get(base + f"web/strands/{strand_id}/end")
    assert confirm.status_code == 200
    assert "End “M.K. (Gr. 1 teaching partner)”?" in page_text(confirm)
    assert "Counts toward your web strength." in row_text(
        client.get(base + "web/"), "M.K. (Gr. 1 teaching partner)"
    )

    ended = client.post(
        base + f"web/strands/{strand_id}/end", data={"csrf_token": csrf_token(confirm)}
    )
    assert ended.status_code == 303
    page = client.get(base + "web/")
    assert "“M.K. (Gr. 1 teaching partner)” has ended: it stays in your history." in page_text(page)
    assert "Ended: kept in your history, not counted." in row_text(
        page, "M.K. (Gr. 1 teaching partner)"
    )


def test_a_single_name_for_students_is_warned_about_and_never_printed(client, fake_platform):
    base = launch(fake_platform, client)
    warned = quick_add(client, base, "Emma", "students")
    assert warned.status_code == 200
    assert "This looks like a person’s name." in page_text(warned)
    kept = quick_add(client, base, "Emma", "students", label_checked="Emma")
    assert kept.status_code == 303
    add_strand(client, base, label="French Immersion", kind="group", board_role="students")

    # The owner still sees the label on screen, to fix it.
    assert table_labels(client.get(base + "web/")) == ["Emma", "French Immersion"]
    summary = page_text(client.get(base + "web/summary"))
    assert "Emma" not in summary
    assert "A group of students" in summary
    assert "French Immersion" in summary
    assert "Emma" not in client.get(base + "web/export.svg").get_data(as_text=True)
    data = json.loads(client.get(base + "web/export.json").get_data(as_text=True))
    assert [strand["label"] for strand in data["strands"]] == [
        "A group of students",
        "French Immersion",
    ]


def test_a_group_label_for_students_is_not_warned_about(client, fake_platform):
    base = launch(fake_platform, client)
    for label in ("Grade 3", "Students", "Class", "French Immersion"):
        assert quick_add(client, base, label, "students").status_code == 303, label


def test_the_web_page_leads_to_the_mini_modules(client, fake_platform):
    base = launch(fake_platform, client)
    body = client.get(base + "web/").get_data(as_text=True)
    assert f'<a href="{base}modules/">Mini-modules</a>' in body
