"""Gap prompts: invitations, most useful first, each linked to the module that helps."""

from __future__ import annotations

import pytest

from lti_tool.mentoring_web.domain.facts import CentreCard, Direction
from lti_tool.mentoring_web.domain.gaps import PROMPTS, gap_prompts
from lti_tool.mentoring_web.domain.vocabulary import (
    Formality,
    Location,
    Model,
    Status,
    StrandKind,
    Support,
)

from .builders import TODAY, new_dece, new_payroll_clerk, seven_teacher_friends, strand, web

SLUGS = {
    "creating-a-mentoring-web",
    "building-a-mentoring-web",
    "multiple-models-of-mentorship",
    "building-relational-trust",
    "the-power-of-listening",
    "goal-setting-conversations",
    "providing-growth-oriented-feedback",
    "scaling-questions",
    "learners-at-the-centre",
    "observation-and-debriefing-protocols",
}
GOALS = CentreCard(goals=("Observe a colleague",))


def codes(facts, limit=None) -> list[str]:
    return [prompt.code for prompt in gap_prompts(facts, TODAY, limit=limit)]


def test_an_empty_web_is_only_invited_to_start():
    (prompt,) = gap_prompts(web(), TODAY)
    assert prompt.code == "start_web"
    assert prompt.module_slug == "creating-a-mentoring-web"


def test_every_prompt_links_a_known_module():
    assert {slug for _message, slug in PROMPTS.values()} <= SLUGS
    for message, _slug in PROMPTS.values():
        assert "%" not in message  # translated and shown as is


def test_at_most_three_by_default_most_useful_first():
    lonely = web(strand("Only friend", supports={Support.INSTRUCTIONAL_PRACTICE}, strength=5))
    everything = codes(lonely)
    assert everything[:3] == ["few_strands", "no_wellbeing", "no_feedback"]
    assert codes(lonely, limit=3) == everything[:3]
    assert len(gap_prompts(lonely, TODAY)) == 3
    assert set(everything) == {
        "few_strands",
        "no_wellbeing",
        "no_feedback",
        "one_role_family",
        "one_model",
        "same_site_only",
        "no_reciprocal",
        "strength_without_note",
        "no_goals",
    }


def test_the_strong_example_web_is_invited_to_observation_and_reflection():
    facts = new_dece()
    assert codes(facts) == ["no_feedback", "strength_without_note", "no_goals"]
    assert codes(web(*facts.strands, centre=GOALS)) == ["no_feedback", "strength_without_note"]


def test_seven_friends_are_invited_across_roles_and_models():
    assert codes(seven_teacher_friends(), limit=3) == [
        "no_feedback",
        "one_role_family",
        "one_model",
    ]


def test_the_payroll_clerk_is_invited_to_more_strands_and_well_being():
    found = codes(new_payroll_clerk())
    assert found[:2] == ["few_strands", "no_wellbeing"]
    assert "one_model" not in found
    assert "same_site_only" not in found  # two strands are elsewhere in the board


@pytest.mark.parametrize(
    ("extra", "code", "slug"),
    [
        (
            strand("Counsellor", supports={Support.WELLBEING}),
            "no_wellbeing",
            "the-power-of-listening",
        ),
        (
            strand("Coach", supports={Support.FEEDBACK_REFLECTION}),
            "no_feedback",
            "observation-and-debriefing-protocols",
        ),
        (
            strand("VP", board_role="principal_vice_principal"),
            "one_role_family",
            "building-a-mentoring-web",
        ),
        (strand("Circle", model=Model.GROUP), "one_model", "multiple-models-of-mentorship"),
        (
            strand("Elsewhere", location=Location.OTHER_SITE),
            "same_site_only",
            "creating-a-mentoring-web",
        ),
        (
            strand(
                "My Gr. 3 class",
                kind=StrandKind.GROUP,
                board_role="students",
                direction=Direction.I_SUPPORT,
                i_offer="x",
            ),
            "no_reciprocal",
            "learners-at-the-centre",
        ),
    ],
)
def test_adding_the_missing_strand_clears_its_prompt(extra, code, slug):
    base = web(strand("Friend"), centre=GOALS)
    prompt = next(p for p in gap_prompts(base, TODAY, limit=None) if p.code == code)
    assert prompt.module_slug == slug
    assert code not in codes(web(*base.strands, extra, centre=GOALS))


def test_fewer_than_five_active_distinct_strands_invites_building():
    four = [strand(f"Colleague {i}") for i in range(4)]
    assert "few_strands" in codes(web(*four))
    assert "few_strands" in codes(web(*four, strand("colleague 0")))  # a duplicate is not a fifth
    assert "few_strands" in codes(web(*four, strand("Gone", status=Status.ENDED)))
    assert "few_strands" not in codes(web(*four, strand("Colleague 4")))


def test_a_web_of_only_planned_strands_is_invited_to_build_not_to_start():
    found = codes(web(strand("Someone I want to reach", status=Status.PLANNED)))
    assert "start_web" not in found
    assert found[0] == "few_strands"
    assert "one_role_family" not in found  # no active strand: nothing to be "only one" of


def test_a_low_rating_with_no_note_invites_scaling_questions():
    assert "strength_without_note" in codes(web(strand(strength=6)))
    assert "strength_without_note" not in codes(
        web(strand(strength=6, strength_note="One notch: observe"))
    )
    assert "strength_without_note" not in codes(web(strand(strength=7)))
    assert "strength_without_note" not in codes(web(strand(strength=None)))
    prompt = next(
        p
        for p in gap_prompts(web(strand(strength=3)), TODAY, limit=None)
        if p.code == "strength_without_note"
    )
    assert prompt.module_slug == "scaling-questions"


def test_an_assigned_strand_gone_dormant_invites_rebuilding_trust():
    dormant = strand("Assigned mentor", formality=Formality.ASSIGNED, status=Status.DORMANT)
    prompt = next(
        p for p in gap_prompts(web(dormant), TODAY, limit=None) if p.code == "assigned_dormant"
    )
    assert prompt.module_slug == "building-relational-trust"
    assert "assigned_dormant" not in codes(web(strand("Chosen", status=Status.DORMANT)))


def test_no_goal_on_the_centre_card_invites_a_goal_conversation():
    prompt = gap_prompts(web(strand()), TODAY, limit=None)[-1]
    assert (prompt.code, prompt.module_slug) == ("no_goals", "goal-setting-conversations")
    assert "no_goals" not in codes(web(strand(), centre=GOALS))
