"""Where a learner stands in a mini-module: its status, completion and the step to resume at.

Pure (standard library only). A module is a run of sections followed by one reflection step with
its prompts. It is *completed* when every section has been seen and every prompt has a submitted
version; *in progress* once anything was seen, drafted or submitted. ("Reviewed" arrives with the
facilitator's feedback, issue 3 point 5.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

REFLECTION_STEP = "reflection"  # the step after the last section; no section may use this id


class ModuleStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ProgressFacts:
    """What was recorded for one learner in one module (empty when nothing was)."""

    sections_seen: frozenset[str] = frozenset()
    prompts_submitted: frozenset[str] = frozenset()
    prompts_drafted: frozenset[str] = frozenset()
    started: bool = False


def is_complete(
    section_ids: Sequence[str], prompt_ids: Sequence[str], facts: ProgressFacts
) -> bool:
    """Every section seen and every prompt submitted (ids no longer in the module are ignored)."""
    return set(section_ids) <= facts.sections_seen and set(prompt_ids) <= facts.prompts_submitted


def module_status(
    section_ids: Sequence[str], prompt_ids: Sequence[str], facts: ProgressFacts
) -> ModuleStatus:
    if is_complete(section_ids, prompt_ids, facts):
        return ModuleStatus.COMPLETED
    if facts.started or facts.sections_seen or facts.prompts_submitted or facts.prompts_drafted:
        return ModuleStatus.IN_PROGRESS
    return ModuleStatus.NOT_STARTED


def resume_step(section_ids: Sequence[str], seen: Collection[str]) -> str:
    """The first section not yet seen, or the reflection step once all have been."""
    return next((sid for sid in section_ids if sid not in seen), REFLECTION_STEP)


def steps(section_ids: Sequence[str]) -> tuple[str, ...]:
    """Every step of the player in order: the sections, then the reflection."""
    return (*section_ids, REFLECTION_STEP)


def neighbours(section_ids: Sequence[str], step: str) -> tuple[str | None, str | None]:
    """The steps just before and after `step` (which must be one of `steps(section_ids)`)."""
    order = steps(section_ids)
    index = order.index(step)
    before = order[index - 1] if index > 0 else None
    after = order[index + 1] if index + 1 < len(order) else None
    return before, after


def with_seen(seen: Sequence[str], section_id: str) -> list[str]:
    """`seen` with `section_id` added once, order of first visit kept (idempotent)."""
    return list(seen) if section_id in seen else [*seen, section_id]


def is_blank_answer(text: str) -> bool:
    """No words left once markup and whitespace are removed (`<p> </p>` is blank)."""
    inside = False
    for char in text:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside and not char.isspace() and char not in "\u00a0":
            return False
    return True


@dataclass(frozen=True)
class PromptEntry:
    """What one prompt's part of the reflection form holds when it is posted.

    `revision` and `digest` say which draft the page was loaded with (None on a form without
    them): the draft's revision number, and a digest of what the page showed. Together they tell
    a change made in this tab from one made meanwhile in another.
    """

    prompt_id: str
    answer: str
    visibility: str
    shared_with_mentors: bool
    link: str
    revision: int | None = None
    digest: str | None = None


def draft_digest(html: str, visibility: str, shared_with_mentors: bool, link: str) -> str:
    """A short fingerprint of a draft as a page shows it (text, who sees it, link)."""
    parts = "\x1f".join((html, visibility, "1" if shared_with_mentors else "0", link.strip()))
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


def is_conflict(entry: PromptEntry, stored_revision: int, posted_digest: str) -> bool:
    """True when the draft changed elsewhere since the page was loaded *and* this page changed it.

    A stale page that changed nothing of a prompt is no conflict (that prompt is left as stored);
    a form without a revision is never one.
    """
    if entry.revision is None or entry.digest is None:
        return False
    changed_elsewhere = entry.revision != stored_revision
    changed_here = posted_digest != entry.digest
    return changed_elsewhere and changed_here


def is_unchanged_here(entry: PromptEntry, posted_digest: str) -> bool:
    """This page left the prompt as it was loaded (so a save must not rewrite it)."""
    return entry.digest is not None and posted_digest == entry.digest
