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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

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


@dataclass(frozen=True)
class CohortCounts:
    """How many learners of a cohort have each pattern: the §3.4 figures before suppression.

    Computed once per publication (`cohort_counts`) and stored with it (`counts_to_json`), so a
    read of the cohort page applies the board's k to a few dozen numbers (`summary_from_counts`)
    instead of scoring every learner's web again. Counts only: nothing here names anyone.
    """

    learners: int
    strand_buckets: dict[str, int]  # "0" ... "6", "7+"
    five_or_more: int
    strong_web: int
    role_families: dict[RoleFamily, int]
    models: dict[Model, int]
    supports: dict[Support, int]
    reciprocity: int
    bands: dict[Band, int]
    assigned_but_dormant: int
    # By the learners' own role family: (learners in the group, how many reach each family).
    by_participant: dict[RoleFamily, tuple[int, dict[RoleFamily, int]]]


def cohort_counts(webs: Sequence[WebScoreAndFacts]) -> CohortCounts:
    """The counts behind every figure, one entry of `webs` per learner."""
    buckets = Counter(STRAND_BUCKETS[min(entry.score.active_strands, 7)] for entry in webs)
    bands = Counter(entry.score.band for entry in webs)
    groups: dict[RoleFamily, list[WebScoreAndFacts]] = {}
    for entry in webs:
        if entry.web.centre.board_role:  # learners who gave no role are in no group
            groups.setdefault(family_of(entry.web.centre.board_role), []).append(entry)
    return CohortCounts(
        learners=len(webs),
        strand_buckets={bucket: buckets[bucket] for bucket in STRAND_BUCKETS},
        five_or_more=sum(e.score.active_strands >= 5 for e in webs),
        strong_web=sum(e.score.is_strong_web for e in webs),
        role_families=_reached(webs, RoleFamily, lambda e: e.score.role_families),
        models=_reached(webs, Model, lambda e: e.score.models),
        supports=_reached(webs, Support, lambda e: e.score.supports),
        reciprocity=sum(e.score.reciprocal_strands > 0 for e in webs),
        bands={band: bands[band] for band in Band},
        assigned_but_dormant=sum(_assigned_dormant(e) for e in webs),
        by_participant={
            family: (len(members), _reached(members, RoleFamily, lambda e: e.score.role_families))
            for family in RoleFamily  # vocabulary order: the input order says nothing
            if (members := groups.get(family))
        },
    )


def summary_from_counts(counts: CohortCounts, threshold: int) -> CohortSummary | None:
    """The anonymous figures of `counts` with the board's k applied, or None below k learners."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n, k = counts.learners, threshold
    if n < k:
        return None
    return CohortSummary(
        learners=n,
        threshold=k,
        strand_counts=_distribution(STRAND_BUCKETS, Counter(counts.strand_buckets), n, k),
        five_or_more=_cell(counts.five_or_more, n, k),
        strong_web=_cell(counts.strong_web, n, k),
        role_families={f: _cell(c, n, k) for f, c in counts.role_families.items()},
        models={m: _cell(c, n, k) for m, c in counts.models.items()},
        supports={s: _cell(c, n, k) for s, c in counts.supports.items()},
        reciprocity=_cell(counts.reciprocity, n, k),
        bands=_distribution(tuple(Band), Counter(counts.bands), n, k),
        assigned_but_dormant=_cell(counts.assigned_but_dormant, n, k),
        family_reach_by_participant={
            family: ({f: _cell(c, members, k) for f, c in reach.items()} if members >= k else None)
            for family, (members, reach) in counts.by_participant.items()
        },
    )


def cohort_summary(webs: Sequence[WebScoreAndFacts], threshold: int) -> CohortSummary | None:
    """The anonymous figures for a cohort, or None when it has fewer than `threshold` learners.

    `webs` holds one entry per learner (their latest snapshot); `threshold` is the board's k
    (default 5, §3.4) and must be at least 1.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    return summary_from_counts(cohort_counts(webs), threshold)


def counts_to_json(counts: CohortCounts) -> dict[str, Any]:
    """The counts as JSON-ready values (enums as their stored values), for the publication row."""
    return {
        "learners": counts.learners,
        "strand_buckets": counts.strand_buckets,
        "five_or_more": counts.five_or_more,
        "strong_web": counts.strong_web,
        "role_families": {f.value: c for f, c in counts.role_families.items()},
        "models": {m.value: c for m, c in counts.models.items()},
        "supports": {s.value: c for s, c in counts.supports.items()},
        "reciprocity": counts.reciprocity,
        "bands": {b.value: c for b, c in counts.bands.items()},
        "assigned_but_dormant": counts.assigned_but_dormant,
        "by_participant": [
            [family.value, members, {f.value: c for f, c in reach.items()}]
            for family, (members, reach) in counts.by_participant.items()
        ],
    }


def counts_from_json(data: Mapping[str, Any]) -> CohortCounts:
    """`counts_to_json` read back; a value the vocabulary no longer knows counts for nothing."""

    def by(values: type[E], raw: Mapping[str, int]) -> dict[E, int]:
        return {value: int(raw.get(value.value, 0)) for value in values}

    return CohortCounts(
        learners=int(data["learners"]),
        strand_buckets={b: int(data["strand_buckets"].get(b, 0)) for b in STRAND_BUCKETS},
        five_or_more=int(data["five_or_more"]),
        strong_web=int(data["strong_web"]),
        role_families=by(RoleFamily, data["role_families"]),
        models=by(Model, data["models"]),
        supports=by(Support, data["supports"]),
        reciprocity=int(data["reciprocity"]),
        bands=by(Band, data["bands"]),
        assigned_but_dormant=int(data["assigned_but_dormant"]),
        by_participant={
            RoleFamily(family): (int(members), by(RoleFamily, reach))
            for family, members, reach in data["by_participant"]
            if family in RoleFamily._value2member_map_
        },
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


def _reached(
    webs: Sequence[WebScoreAndFacts],
    values: type[E],
    reached: Callable[[WebScoreAndFacts], frozenset[E]],
) -> dict[E, int]:
    return {value: sum(value in reached(e) for e in webs) for value in values}


def _assigned_dormant(entry: WebScoreAndFacts) -> bool:
    return any(
        s.formality is Formality.ASSIGNED and s.status is Status.DORMANT for s in entry.web.strands
    )
