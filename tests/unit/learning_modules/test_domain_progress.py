"""The pure progress rules: status, completion, where to resume, the player's steps."""

from __future__ import annotations

import pytest

from lti_tool.learning_modules.domain.progress import (
    REFLECTION_STEP,
    ModuleStatus,
    ProgressFacts,
    is_blank_answer,
    is_complete,
    module_status,
    neighbours,
    resume_step,
    with_seen,
)

SECTIONS = ("purpose", "key-ideas", "activity")
PROMPTS = ("première", "second")


def test_nothing_recorded_is_not_started() -> None:
    assert module_status(SECTIONS, PROMPTS, ProgressFacts()) is ModuleStatus.NOT_STARTED


@pytest.mark.parametrize(
    "facts",
    [
        ProgressFacts(started=True),
        ProgressFacts(sections_seen=frozenset({"purpose"})),
        ProgressFacts(prompts_drafted=frozenset({"second"})),
        ProgressFacts(sections_seen=frozenset(SECTIONS), prompts_submitted=frozenset({"second"})),
        ProgressFacts(sections_seen=frozenset(SECTIONS[:2]), prompts_submitted=frozenset(PROMPTS)),
    ],
)
def test_anything_short_of_everything_is_in_progress(facts: ProgressFacts) -> None:
    assert not is_complete(SECTIONS, PROMPTS, facts)
    assert module_status(SECTIONS, PROMPTS, facts) is ModuleStatus.IN_PROGRESS


def test_every_section_seen_and_every_prompt_submitted_is_completed() -> None:
    facts = ProgressFacts(
        sections_seen=frozenset({*SECTIONS, "an-old-section"}),
        prompts_submitted=frozenset(PROMPTS),
    )
    assert is_complete(SECTIONS, PROMPTS, facts)
    assert module_status(SECTIONS, PROMPTS, facts) is ModuleStatus.COMPLETED


def test_resume_at_the_first_unseen_section_then_the_reflection() -> None:
    assert resume_step(SECTIONS, []) == "purpose"
    assert resume_step(SECTIONS, ["purpose", "activity"]) == "key-ideas"
    assert resume_step(SECTIONS, list(SECTIONS)) == REFLECTION_STEP


def test_neighbours_run_through_the_sections_to_the_reflection() -> None:
    assert neighbours(SECTIONS, "purpose") == (None, "key-ideas")
    assert neighbours(SECTIONS, "activity") == ("key-ideas", REFLECTION_STEP)
    assert neighbours(SECTIONS, REFLECTION_STEP) == ("activity", None)


def test_seeing_a_section_again_changes_nothing() -> None:
    assert with_seen(["purpose"], "purpose") == ["purpose"]
    assert with_seen(["purpose"], "activity") == ["purpose", "activity"]


@pytest.mark.parametrize("text", ["", "   ", "<p> </p>", "<p>\u00a0</p><br>"])
def test_blank_answers(text: str) -> None:
    assert is_blank_answer(text)


@pytest.mark.parametrize("text", ["é", "<p>Oui</p>", "<strong>1</strong>"])
def test_answers_with_words(text: str) -> None:
    assert not is_blank_answer(text)
