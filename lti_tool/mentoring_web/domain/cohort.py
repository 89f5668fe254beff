"""Anonymous cohort figures: web patterns across learners, never a person.

Pure. The output holds only counts, shares and vocabulary values: no names, labels or free text
can reach it because nothing textual is copied from a web. Small cells are suppressed:
- no summary at all below `threshold` (k) learners;
- a cell counting 1 to k-1 learners is None;
- so is a yes/no cell whose complement counts 1 to k-1 ("18 of 20 reach leaders" tells that 2
  do not, as plainly as "2 of 20 do not" would);
- in a distribution (strand counts, bands), a lone suppressed bucket could be recovered from the
  total, so the smallest other non-empty bucket is suppressed with it;
- all or none: a yes/no cell counting every learner or none ("5 (100%)", "0 (0%)") states a fact
  about each of them, so it is None too; a distribution with every learner in one bucket is hidden
  whole (its empty buckets would tell the full one). A board with k = 1 hides nothing.
Figures come from the course's published cohort (`insights.published_cohort`), which one learner's
change cannot move on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from lti_tool.mentoring_web.domain.facts import Band, WebScoreAndFacts
from lti_tool.mentoring_web.domain.vocabulary import Formality, Model, RoleFamily, Status, Support
from lti_tool.mentoring_web.domain.vocabulary import role_family as family_of

K = TypeVar("K")
E = TypeVar("E", bound=StrEnum)
STRAND_BUCKETS = ("0", "1", "2", "3", "4", "5", "6", "7+")


@dataclass(frozen=True)
class Cell:
    """How many learners of the group, and their share of it (0-1; the view formats percentages)."""

    count: int
    share: float


@dataclass(frozen=True)
class CohortSummary:
    """The §3.4 figures for one cohort. Every `Cell | None` is None when suppressed."""

    learners: int
    threshold: int
    strand_counts: dict[str, Cell | None]  # active distinct strands: "0" ... "6", "7+"
    five_or_more: Cell | None
    strong_web: Cell | None  # meets the whole strong-web checklist
    role_families: dict[RoleFamily, Cell | None]  # learners with an active strand in the family
    models: dict[Model, Cell | None]
    supports: dict[Support, Cell | None]
    reciprocity: Cell | None  # learners with at least one active reciprocal strand
    bands: dict[Band, Cell | None]
    assigned_but_dormant: Cell | None  # learners with an assigned strand gone dormant
    # The heat map: for learners of each role family (their own centre-card role), the share
    # reaching each family. A participant group smaller than k is None as a whole.
    family_reach_by_participant: dict[RoleFamily, dict[RoleFamily, Cell | None] | None]


def cohort_summary(webs: Sequence[WebScoreAndFacts], threshold: int) -> CohortSummary | None:
    """The anonymous figures for a cohort, or None when it has fewer than `threshold` learners.

    `webs` holds one entry per learner (their latest snapshot); `threshold` is the board's k
    (default 5, §3.4) and must be at least 1.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n = len(webs)
    if n < threshold:
        return None
    buckets = Counter(STRAND_BUCKETS[min(entry.score.active_strands, 7)] for entry in webs)
    bands = Counter(entry.score.band for entry in webs)
    return CohortSummary(
        learners=n,
        threshold=threshold,
        strand_counts=_distribution(STRAND_BUCKETS, buckets, n, threshold),
        five_or_more=_cell(sum(e.score.active_strands >= 5 for e in webs), n, threshold),
        strong_web=_cell(sum(e.score.is_strong_web for e in webs), n, threshold),
        role_families=_reach(webs, RoleFamily, lambda e: e.score.role_families, threshold),
        models=_reach(webs, Model, lambda e: e.score.models, threshold),
        supports=_reach(webs, Support, lambda e: e.score.supports, threshold),
        reciprocity=_cell(sum(e.score.reciprocal_strands > 0 for e in webs), n, threshold),
        bands=_distribution(tuple(Band), bands, n, threshold),
        assigned_but_dormant=_cell(sum(_assigned_dormant(e) for e in webs), n, threshold),
        family_reach_by_participant=_by_participant(webs, threshold),
    )


def _cell(count: int, n: int, k: int) -> Cell | None:
    if 0 < count < k or 0 < n - count < k:  # small, or its complement small
        return None
    if k > 1 and count in (0, n):  # all or none (a board with k = 1 chose to hide nothing)
        return None
    return Cell(count, count / n)


def _distribution(keys: Iterable[K], counts: Counter[K], n: int, k: int) -> dict[K, Cell | None]:
    keys = tuple(keys)
    if k > 1 and any(counts[key] == n for key in keys):
        return dict.fromkeys(keys)  # everyone in one bucket: every bucket tells it
    small = {key for key in keys if 0 < counts[key] < k}
    if len(small) == 1:
        others = [key for key in keys if key not in small and counts[key] > 0]
        if others:
            small.add(min(others, key=lambda key: counts[key]))
    return {key: None if key in small else Cell(counts[key], counts[key] / n) for key in keys}


def _reach(
    webs: Sequence[WebScoreAndFacts],
    values: type[E],
    reached: Callable[[WebScoreAndFacts], frozenset[E]],
    k: int,
) -> dict[E, Cell | None]:
    n = len(webs)
    return {value: _cell(sum(value in reached(e) for e in webs), n, k) for value in values}


def _assigned_dormant(entry: WebScoreAndFacts) -> bool:
    return any(
        s.formality is Formality.ASSIGNED and s.status is Status.DORMANT for s in entry.web.strands
    )


def _by_participant(
    webs: Sequence[WebScoreAndFacts], k: int
) -> dict[RoleFamily, dict[RoleFamily, Cell | None] | None]:
    groups: dict[RoleFamily, list[WebScoreAndFacts]] = {}
    for entry in webs:
        if entry.web.centre.board_role:  # learners who gave no role are in no group
            groups.setdefault(family_of(entry.web.centre.board_role), []).append(entry)
    return {
        family: (
            _reach(members, RoleFamily, lambda e: e.score.role_families, k)
            if len(members) >= k
            else None
        )
        for family in RoleFamily  # vocabulary order: the input order says nothing about anyone
        if (members := groups.get(family))
    }
