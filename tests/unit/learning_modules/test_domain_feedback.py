from lti_tool.learning_modules.domain.feedback import (
    MAX_FEEDBACK_CHARS,
    feedback_problems,
    gentle_warnings,
    is_reviewed,
)


def test_a_strength_and_a_question_or_next_step_are_needed():
    assert feedback_problems("Clear example", "What next?", "") == []
    assert feedback_problems("Clear example", "", "Try a scale") == []
    codes = {(p.field, p.code) for p in feedback_problems("<p> </p>", "", "")}
    assert codes == {("strength", "required"), ("question", "question-or-next-step")}


def test_each_part_has_a_length_limit():
    long = "x" * (MAX_FEEDBACK_CHARS + 1)
    assert [(p.field, p.code) for p in feedback_problems("ok", long, "")] == [
        ("question", "too-long")
    ]


def test_directive_phrasing_is_flagged_in_english_and_french():
    assert gentle_warnings("I think You  SHOULD ask her") == ["you should"]
    assert gentle_warnings("Tu dois essayer; vous devez aussi") == ["tu dois", "vous devez"]
    assert gentle_warnings("What could you try next?") == []
    assert gentle_warnings("if you shouldered it") == []


def test_reviewed_when_every_prompts_latest_version_has_feedback():
    assert is_reviewed(["a", "b"], {"a": 1, "b": 2}, {1, 2})
    assert not is_reviewed(["a", "b"], {"a": 1, "b": 2}, {1})
    assert not is_reviewed(["a", "b"], {"a": 1}, {1})
    assert not is_reviewed([], {}, set())
