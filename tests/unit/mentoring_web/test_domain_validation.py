"""Strand and centre-card validation: raw form values in, facts or field errors out."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lti_tool.mentoring_web.domain.facts import CentreCard, Direction
from lti_tool.mentoring_web.domain.score import MISSING_I_OFFER, missing_details
from lti_tool.mentoring_web.domain.validation import (
    LOOKS_LIKE_A_NAME,
    STUDENTS_ARE_A_GROUP,
    looks_like_a_personal_name,
    strand_warnings,
    validate_centre_card,
    validate_strand,
)
from lti_tool.mentoring_web.domain.vocabulary import (
    Formality,
    Frequency,
    Location,
    Model,
    Stance,
    Status,
    StrandKind,
    Support,
)

from .builders import TODAY, strand


def form(**changes: Any) -> dict[str, Any]:
    """What a browser posts for a typical strand: strings, and a list for the checkboxes."""
    values: dict[str, Any] = {
        "label": "  Élodie B. (Gr. 2 partner)  ",
        "kind": "individual",
        "board_role": "classroom_teacher_elementary",
        "location": "same_site",
        "model": "co_mentoring",
        "supports": ["instructional_practice", "wellbeing_emotional"],
        "frequency": "weekly_plus",
        "status": "active",
        "direction": "supports_me",
        "strength": "8",
        "strength_note": "We plan together",
        "i_offer": "",
        "stance": "collaborator",
        "formality": "emerged",
        "next_step": "Co-plan the inquiry unit",
        "next_check_in": "2025-11-28",
        "last_contact_on": "2025-11-10",
    }
    values.update(changes)
    return values


def test_a_complete_form_becomes_facts():
    facts, errors = validate_strand(form(), TODAY)
    assert errors == {}
    assert facts is not None
    assert facts.label == "Élodie B. (Gr. 2 partner)"
    assert facts.kind is StrandKind.INDIVIDUAL
    assert facts.location is Location.SAME_SITE
    assert facts.model is Model.CO_MENTORING
    assert facts.supports == {Support.INSTRUCTIONAL_PRACTICE, Support.WELLBEING}
    assert facts.frequency is Frequency.WEEKLY_PLUS
    assert facts.status is Status.ACTIVE
    assert facts.strength == 8
    assert facts.stance is Stance.COLLABORATOR
    assert facts.formality is Formality.EMERGED
    assert facts.next_check_in == date(2025, 11, 28)
    assert facts.last_contact_on == date(2025, 11, 10)


def test_every_value_may_arrive_as_a_list():
    """MultiDict.to_dict(flat=False) gives lists for every field."""
    values = {key: value if isinstance(value, list) else [value] for key, value in form().items()}
    facts, errors = validate_strand(values, TODAY)
    assert errors == {}
    assert facts == validate_strand(form(), TODAY)[0]


def test_typed_values_from_wtforms_are_accepted():
    facts, errors = validate_strand(
        form(
            strength=8,
            next_check_in=date(2025, 11, 28),
            last_contact_on=None,
            supports="career_growth",
        ),
        TODAY,
    )
    assert errors == {}
    assert facts is not None
    assert (facts.strength, facts.supports, facts.last_contact_on) == (8, {Support.CAREER}, None)


def test_optional_fields_may_be_blank_and_direction_defaults_to_supports_me():
    blanks = dict.fromkeys(
        [
            "strength",
            "strength_note",
            "stance",
            "formality",
            "next_step",
            "next_check_in",
            "last_contact_on",
            "direction",
        ],
        "",
    )
    facts, errors = validate_strand(form(**blanks), TODAY)
    assert errors == {}
    assert facts is not None
    assert facts.direction is Direction.SUPPORTS_ME
    assert (facts.strength, facts.stance, facts.formality, facts.next_check_in) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label": "   "}, "label"),
        ({"label": "x" * 61}, "label"),
        ({"kind": "crowd"}, "kind"),
        ({"board_role": "wizard"}, "board_role"),
        ({"location": "moon"}, "location"),
        ({"model": "telepathy"}, "model"),
        ({"frequency": "hourly"}, "frequency"),
        ({"status": "maybe"}, "status"),
        ({"direction": "sideways"}, "direction"),
        ({"stance": "boss"}, "stance"),
        ({"formality": "forced"}, "formality"),
        ({"supports": ["wellbeing_emotional", "snacks"]}, "supports"),
        ({"strength": "0"}, "strength"),
        ({"strength": "11"}, "strength"),
        ({"strength": "7.5"}, "strength"),
        ({"strength": "seven"}, "strength"),
        ({"strength": True}, "strength"),
        ({"strength_note": "x" * 201}, "strength_note"),
        ({"next_step": "x" * 201}, "next_step"),
        ({"i_offer": "x" * 201}, "i_offer"),
        ({"next_check_in": "28/11/2025"}, "next_check_in"),
        ({"last_contact_on": "yesterday"}, "last_contact_on"),
    ],
)
def test_bad_values_are_reported_on_their_field(changes, field):
    facts, errors = validate_strand(form(**changes), TODAY)
    assert facts is None
    assert list(errors) == [field]


def test_a_label_of_exactly_60_characters_is_fine():
    assert validate_strand(form(label="x" * 60), TODAY)[1] == {}


def test_only_a_label_and_a_role_are_required():
    _facts, errors = validate_strand({}, TODAY)
    assert set(errors) == {"label", "board_role"}


def test_a_quick_strand_is_a_label_and_a_role_and_nothing_is_guessed():
    facts, errors = validate_strand({"label": "IT help desk", "board_role": "other"}, TODAY)
    assert errors == {}
    assert facts is not None
    assert (facts.kind, facts.status, facts.direction) == (
        StrandKind.INDIVIDUAL,
        Status.ACTIVE,
        Direction.SUPPORTS_ME,
    )
    assert (facts.location, facts.model, facts.frequency, facts.supports) == (
        None,
        None,
        None,
        frozenset(),
    )


def test_a_quick_student_strand_is_a_group():
    facts, _errors = validate_strand({"label": "My Gr. 3 class", "board_role": "students"}, TODAY)
    assert facts is not None
    assert facts.kind is StrandKind.GROUP


def test_every_problem_is_reported_at_once():
    _facts, errors = validate_strand(
        {"label": "", "board_role": "wizard", "model": "telepathy", "strength": "11"}, TODAY
    )
    assert set(errors) == {"label", "board_role", "model", "strength"}


@pytest.mark.parametrize("direction", ["mutual", "i_support"])
def test_what_i_offer_is_a_detail_to_add_not_a_requirement(direction):
    facts, errors = validate_strand(form(direction=direction, i_offer=" "), TODAY)
    assert errors == {}
    assert facts is not None
    assert missing_details(facts) == (MISSING_I_OFFER,)
    facts, errors = validate_strand(form(direction=direction, i_offer="Tech help"), TODAY)
    assert errors == {}
    assert facts is not None
    assert facts.i_offer == "Tech help"


@pytest.mark.parametrize("kind", ["individual", "network"])
def test_students_are_always_a_group(kind):
    _facts, errors = validate_strand(
        form(board_role="students", kind=kind, label="My class"), TODAY
    )
    assert errors == {"kind": [STUDENTS_ARE_A_GROUP]}


def test_a_student_group_is_fine():
    facts, errors = validate_strand(
        form(board_role="students", kind="group", label="My period 3 class"), TODAY
    )
    assert errors == {}
    assert facts is not None
    assert strand_warnings(facts) == {}


def test_last_contact_cannot_be_in_the_future_but_a_past_check_in_is_allowed():
    tomorrow, last_year = TODAY + timedelta(days=1), TODAY - timedelta(days=365)
    _facts, errors = validate_strand(form(last_contact_on=tomorrow.isoformat()), TODAY)
    assert list(errors) == ["last_contact_on"]
    assert validate_strand(form(last_contact_on=TODAY.isoformat()), TODAY)[1] == {}
    assert validate_strand(form(next_check_in=last_year.isoformat()), TODAY)[1] == {}


def test_without_today_the_rules_relative_to_today_are_skipped():
    future = (TODAY + timedelta(days=30)).isoformat()
    assert validate_strand(form(last_contact_on=future), None)[1] == {}


@pytest.mark.parametrize(
    "label",
    [
        "Emma Tremblay",
        "Jean-Luc Picard",
        "Aïcha Diallo",
        "Emma and Liam Chen",
        "Marie de Souza",
        "Noah, Olivia",
        "Emma",
        "Emma's group",
        "Period 3 with Liam",
        "Grade 3 — Zoé",
    ],
)
def test_labels_that_look_like_names(label):
    assert looks_like_a_personal_name(label)


@pytest.mark.parametrize(
    "label",
    [
        "My Gr. 3 class",
        "Period 3",
        "Grade 2 Team",
        "Drama Club",
        "Mes élèves de 5e année",
        "Student Council",
        "M.K.",
        "MK",
        "the robotics team",
        "EA Team",
        "Grade 3",
        "Students",
        "Class",
        "French Immersion",
        "Core French, Grade 7",
        "My Homeroom",
        "Senior Kindergarten",
        "Lunch club",
        "Mes élèves de 6e année",
        "Immersion française",
        "Community Partners",
        "",
    ],
)
def test_labels_that_describe_a_group(label):
    assert not looks_like_a_personal_name(label)


def test_a_student_strand_that_looks_like_a_name_warns_without_blocking():
    facts = strand("Emma Tremblay", kind=StrandKind.GROUP, board_role="students")
    assert strand_warnings(facts) == {"label": [LOOKS_LIKE_A_NAME]}
    # colleagues may be named: the label is private to its author
    assert strand_warnings(strand("Emma Tremblay")) == {}


# --- The centre card -------------------------------------------------------------------------


def test_an_empty_centre_card_is_valid():
    assert validate_centre_card({}) == (CentreCard(), {})


def test_a_centre_card_from_the_form_reads_one_item_per_line():
    card, errors = validate_centre_card(
        {
            "board_role": "early_childhood_educator",
            "years_in_role": "lt1",
            "strengths": "Calm in a storm\n\n  Play-based learning  \n",
            "quiet_victories": "A shy child said good morning\nFirst parent night done",
            "goals": ["Observe a kindergarten partner", ""],
        }
    )
    assert errors == {}
    assert card == CentreCard(
        board_role="early_childhood_educator",
        years_in_role="lt1",
        strengths=("Calm in a storm", "Play-based learning"),
        quiet_victories=("A shy child said good morning", "First parent night done"),
        goals=("Observe a kindergarten partner",),
    )


def test_blank_choices_on_the_centre_card_mean_not_given():
    card, errors = validate_centre_card({"board_role": "", "years_in_role": ""})
    assert errors == {}
    assert card is not None
    assert (card.board_role, card.years_in_role) == (None, None)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"board_role": "wizard"}, "board_role"),
        ({"years_in_role": "forever"}, "years_in_role"),
        ({"strengths": ["a", "b", "c", "d"]}, "strengths"),
        ({"strengths": ["x" * 121]}, "strengths"),
        ({"goals": "a\nb\nc\nd"}, "goals"),
        ({"goals": ["x" * 201]}, "goals"),
        ({"quiet_victories": [f"win {i}" for i in range(21)]}, "quiet_victories"),
        ({"quiet_victories": ["x" * 201]}, "quiet_victories"),
    ],
)
def test_centre_card_limits(values, field):
    card, errors = validate_centre_card(values)
    assert card is None
    assert list(errors) == [field]


def test_centre_card_limits_are_inclusive():
    card, errors = validate_centre_card(
        {
            "strengths": ["x" * 120] * 3,
            "goals": ["x" * 200] * 3,
            "quiet_victories": ["x" * 200] * 20,
        }
    )
    assert errors == {}
    assert card is not None
