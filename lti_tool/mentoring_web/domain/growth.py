"""Growth over time: how a web changed between two snapshots ("my web in September vs. May").

Pure. Strands are matched by normalised label, the same key that merges duplicates in the score,
so renaming "M.K." to "m.k." is the same strand while renaming it to "Maya" is one ended and one
gained — the tool cannot know two labels name one person, and the learner can see both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from lti_tool.mentoring_web.domain.facts import Band, SnapshotFacts, StrandFacts, WebScore
from lti_tool.mentoring_web.domain.score import (
    distinct_strands,
    is_active,
    normalise_label,
    score_strands,
)
from lti_tool.mentoring_web.domain.vocabulary import Model, RoleFamily, Support


def snapshot_of(strands: Iterable[StrandFacts], taken_at: datetime) -> SnapshotFacts:
    """Freeze strands with the score they had at `taken_at` (activity is judged on that day)."""
    strands = tuple(strands)
    return SnapshotFacts(taken_at, strands, score_strands(strands, taken_at.date()))


@dataclass(frozen=True)
class Comparison:
    """What grew, what ended and what stayed between an earlier and a later snapshot.

    Strand lists cover active strands in either direction (a student group I support is part of
    the web too): `gained` and `kept` hold the later version, `ended` the earlier one ("ended"
    includes strands that went dormant or were removed). The set differences and the score
    deltas come from the scores, so they follow the scoring rules exactly.
    """

    earlier_taken_at: datetime
    later_taken_at: datetime
    gained: tuple[StrandFacts, ...]
    ended: tuple[StrandFacts, ...]
    kept: tuple[StrandFacts, ...]
    families_reached: frozenset[RoleFamily]
    families_lost: frozenset[RoleFamily]
    supports_gained: frozenset[Support]
    supports_lost: frozenset[Support]
    models_gained: frozenset[Model]
    models_lost: frozenset[Model]
    score_then: WebScore
    score_now: WebScore

    @property
    def band_then(self) -> Band:
        return self.score_then.band

    @property
    def band_now(self) -> Band:
        return self.score_now.band

    @property
    def deltas(self) -> dict[str, int]:
        """Change per component (S, R, T, M, Q) and in the total; negative when it shrank."""
        then, now = self.score_then.components(), self.score_now.components()
        changes = {letter: now[letter] - then[letter] for letter in then}
        changes["total"] = self.score_now.total - self.score_then.total
        return changes


def compare(earlier: SnapshotFacts, later: SnapshotFacts) -> Comparison:
    """Compare two snapshots; the caller orders them (earlier first), nothing is swapped here."""
    then = _active_by_label(earlier.strands, earlier.taken_at.date())
    now = _active_by_label(later.strands, later.taken_at.date())
    before, after = earlier.score, later.score
    return Comparison(
        earlier_taken_at=earlier.taken_at,
        later_taken_at=later.taken_at,
        gained=tuple(strand for key, strand in now.items() if key not in then),
        ended=tuple(strand for key, strand in then.items() if key not in now),
        kept=tuple(strand for key, strand in now.items() if key in then),
        families_reached=after.role_families - before.role_families,
        families_lost=before.role_families - after.role_families,
        supports_gained=after.supports - before.supports,
        supports_lost=before.supports - after.supports,
        models_gained=after.models - before.models,
        models_lost=before.models - after.models,
        score_then=before,
        score_now=after,
    )


def _active_by_label(strands: Iterable[StrandFacts], on: date) -> dict[str, StrandFacts]:
    active = distinct_strands(s for s in strands if is_active(s, on))
    return {normalise_label(strand.label): strand for strand in active}
