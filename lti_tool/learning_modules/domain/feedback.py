"""Rules for a facilitator's feedback on a reflection.

Pure (standard library only). A feedback names a strength noticed and offers at least one of an
open question or a next step; each part has a length limit. Directive phrasing ("you should")
raises a gentle warning, never a refusal. A learner's module is *reviewed* once the latest
submitted version of every prompt has feedback.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

STRENGTH, QUESTION, NEXT_STEP = "strength", "question", "next_step"
FIELDS = (STRENGTH, QUESTION, NEXT_STEP)
MAX_FEEDBACK_CHARS = 4_000  # per part, unless the board's FEEDBACK_MAX_CHARS says otherwise

# Directive phrasing, English and French; matched on whole words, case and apostrophes ignored.
DIRECTIVE_PHRASES = (
    "you should",
    "you must",
    "you need to",
    "you have to",
    "you ought to",
    "tu dois",
    "tu devrais",
    "vous devez",
    "vous devriez",
    "il faut que tu",
    "il faut que vous",
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedbackProblem:
    field: str
    code: str  # "required", "question-or-next-step", "too-long"


def _words(text: str) -> str:
    """Lower-case text without markup, with single spaces and straight apostrophes."""
    plain = _TAG.sub(" ", text or "").replace("\u2019", "'").replace("\u00a0", " ")
    return _SPACE.sub(" ", plain).strip().lower()


def is_blank(text: str) -> bool:
    return not _words(text)


def feedback_problems(
    strength: str, question: str, next_step: str, *, max_chars: int = MAX_FEEDBACK_CHARS
) -> list[FeedbackProblem]:
    """What keeps this feedback from being sent; empty when it can be."""
    problems = []
    if is_blank(strength):
        problems.append(FeedbackProblem(STRENGTH, "required"))
    if is_blank(question) and is_blank(next_step):
        problems.append(FeedbackProblem(QUESTION, "question-or-next-step"))
    for name, text in zip(FIELDS, (strength, question, next_step), strict=True):
        if len(text or "") > max_chars:
            problems.append(FeedbackProblem(name, "too-long"))
    return problems


def gentle_warnings(text: str) -> list[str]:
    """The directive phrases found in `text`, in the order of DIRECTIVE_PHRASES (a warning only)."""
    words = _words(text)
    return [
        phrase
        for phrase in DIRECTIVE_PHRASES
        if re.search(r"(?<![\w'])" + re.escape(phrase) + r"(?![\w])", words)
    ]


def is_reviewed(
    prompt_ids: Sequence[str],
    latest_version_by_prompt: Mapping[str, int],
    reviewed_version_ids: Collection[int],
) -> bool:
    """Every prompt has a submitted version and its latest one has feedback."""
    if not prompt_ids:
        return False
    return all(
        prompt in latest_version_by_prompt
        and latest_version_by_prompt[prompt] in reviewed_version_ids
        for prompt in prompt_ids
    )
