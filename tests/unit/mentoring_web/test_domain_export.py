"""The JSON shape of a web: export, snapshots and copying a web between courses."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import pytest

from lti_tool.mentoring_web.domain.export import (
    WebDataError,
    snapshot_from_json,
    web_from_json,
    web_to_json,
)
from lti_tool.mentoring_web.domain.facts import CentreCard, Direction
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.domain.vocabulary import Formality, Stance, Status, Support

from .builders import TODAY, new_dece, new_payroll_clerk, strand, web

CENTRE = CentreCard(
    display_name="Anaïs Côté",
    board_role="early_childhood_educator",
    years_in_role="lt1",
    strengths=("Calm in a storm", "Songs for every transition"),
    quiet_victories=("A shy child said bonjour",),
    goals=("Observe a kindergarten partner",),
)


def full_web():
    """Every field set somewhere, with non-ASCII text and both kinds of date."""
    planned = strand(
        "Conseillère pédagogique",
        board_role="instructional_coach",
        status=Status.PLANNED,
        stance=Stance.COACH,
        formality=Formality.CHOSEN,
        next_step="Écrire un courriel",
        next_check_in=date(2025, 12, 1),
        strength_note="« un cran de plus » : observer",
    )
    return web(*new_dece().strands, *new_payroll_clerk().strands, planned, centre=CENTRE)


def test_the_export_has_every_field_as_json_values():
    facts = full_web()
    data = web_to_json(facts, web_score(facts, TODAY))
    json.dumps(data)  # plain JSON: no enums, dates or sets left
    assert (data["format"], data["version"]) == ("mentoring-web", 1)
    assert data["centre"]["strengths"] == ["Calm in a storm", "Songs for every transition"]
    partner = data["strands"][0]
    assert partner == {
        "label": "M.K. (Gr. 1 teaching partner)",
        "kind": "individual",
        "board_role": "classroom_teacher_elementary",
        "role_family": "teaching_colleagues",
        "location": "same_site",
        "model": "peer_informal",
        "supports": ["instructional_practice", "wellbeing_emotional"],
        "frequency": "weekly_plus",
        "status": "active",
        "direction": "mutual",
        "strength": 8,
        "strength_note": "",
        "i_offer": "Play-based assessment ideas",
        "stance": "collaborator",
        "formality": "emerged",
        "next_step": "",
        "next_check_in": None,
        "last_contact_on": None,
    }
    assert data["strands"][-2]["last_contact_on"] == "2025-10-25"
    assert data["strands"][-1]["next_check_in"] == "2025-12-01"


def test_the_export_carries_the_score():
    facts = new_dece()
    score = web_to_json(facts, web_score(facts, TODAY))["score"]
    assert {key: score[key] for key in ("S", "R", "T", "M", "Q", "total")} == {
        "S": 5,
        "R": 4,
        "T": 5,
        "M": 2,
        "Q": 1,
        "total": 17,
    }
    assert (score["band"], score["is_strong_web"]) == ("strong", True)
    assert [item["code"] for item in score["checklist"]] == ["strands", "role_families", "models"]


def test_a_web_round_trips_through_json():
    facts = full_web()
    data = json.loads(json.dumps(web_to_json(facts, web_score(facts, TODAY))))
    assert web_from_json(data) == facts


def test_database_ids_are_not_exported():
    facts = web(replace(strand("With an id"), id=42))
    data = web_to_json(facts, web_score(facts, TODAY))
    assert "id" not in data["strands"][0]
    assert web_from_json(data).strands[0].id is None


def test_the_example_strand_of_the_brief_reads_with_its_field_names():
    example = {
        "label": "M.K. (Gr. 1 teaching partner)",
        "kind": "individual",
        "board_role": "classroom_teacher_elementary",
        "location": "same_site",
        "model": "co_mentoring",
        "support_types": ["instructional_practice", "wellbeing_emotional"],
        "stance_mostly": "collaborator",
        "frequency": "weekly_plus",
        "strength": 8,
        "strength_note": "We plan together; one notch up = observe each other once",
        "reciprocal": True,
        "i_offer": "Play-based assessment ideas",
        "formality": "emerged",
        "status": "active",
        "next_step": "Ask to co-plan the inquiry unit",
        "next_check_in": "2025-11-14",
    }
    (read,) = web_from_json({"strands": [example]}).strands
    assert read.supports == {Support.INSTRUCTIONAL_PRACTICE, Support.WELLBEING}
    assert read.stance is Stance.COLLABORATOR
    assert read.direction is Direction.MUTUAL
    assert read.next_check_in == date(2025, 11, 14)


def test_a_copied_web_may_hold_dates_in_the_past_or_future():
    facts = web(strand(last_contact_on=date(2030, 1, 1), next_check_in=date(2020, 1, 1)))
    assert web_from_json(web_to_json(facts, web_score(facts, TODAY))) == facts


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ([], ""),
        ({"format": "something-else"}, "format"),
        ({"version": 2}, "format"),
        ({"centre": "me"}, "centre"),
        ({"centre": {"goals": ["a", "b", "c", "d"]}}, "centre.goals"),
        ({"strands": {"label": "x"}}, "strands"),
        ({"strands": ["x"]}, "strands.0"),
        ({"strands": [{"label": "No role"}]}, "strands.0.board_role"),
    ],
)
def test_unreadable_data_is_refused_with_where(data, where):
    with pytest.raises(WebDataError) as refused:
        web_from_json(data)
    assert where in refused.value.errors


def test_a_stored_snapshot_is_rescored_as_of_the_day_it_was_taken():
    facts = new_payroll_clerk()
    data = web_to_json(facts, web_score(facts, TODAY))
    taken = datetime(2025, 11, 14, 9, 30)
    snapshot = snapshot_from_json(data, taken)
    assert snapshot.taken_at == taken
    assert snapshot.strands == facts.strands
    assert snapshot.score.total == 9
    months_later = snapshot_from_json(data, datetime(2026, 5, 1))
    assert months_later.score.strands == 2  # the flash chat with IT is long past
