"""How a cohort's webs changed since the first snapshot.

Pure. For every learner who has a snapshot, the service pairs the score of their earliest one
(or their earliest on or after a chosen date: "September vs. now") with the score of their web
today; this module turns those pairs into anonymous then/now figures. Only scores come in — no
web, label or note — so nothing a learner wrote can reach the output.

Suppression follows `domain.cohort`, with the very same functions, so the two pages cannot drift:
- no figures at all below `threshold` (k) learners with a snapshot;
- a cell counting 1 to k-1 learners, or leaving 1 to k-1 out, is None;
- in a distribution (strand counts then, strand counts now, grew/stayed/shrank), a lone suppressed
  bucket takes the smallest other non-empty bucket with it.
The mean and median of a moment are None whenever that moment's distribution hides a bucket: the
mean times the number of learners is the sum of their strand counts, and with the buckets shown
that sum solves for the hidden ones (2 hidden learners at 1 strand and 5 at 2 give a different
sum than 5 at 1 and 2 at 2). The median is given as a bucket ("7+" beyond 6), not a raw count,
so it never names the exact count of the one learner in the middle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lti_tool.mentoring_web.domain.cohort import STRAND_BUCKETS, Cell, _cell, _distribution
from lti_tool.mentoring_web.domain.facts import WebScore
from lti_tool.mentoring_web.domain.vocabulary import RoleFamily

FIVE_STRANDS = 5  # the checklist's first item, and the NTIP 5-7 supports finding (§1.7)


class Trend(StrEnum):
    """How a learner's count of active strands moved between the two moments."""

    GREW = "grew"
    STAYED = "stayed"
    SHRANK = "shrank"


@dataclass(frozen=True)
class LearnerChange:
    """One learner's web at their first snapshot and today, as scores only (no words)."""

    then: WebScore
    now: WebScore


@dataclass(frozen=True)
class Paired:
    """The same figure at the first snapshot and today; either side None when suppressed."""

    then: Cell | None
    now: Cell | None


@dataclass(frozen=True)
class CohortChange:
    """The change figures for the learners with a snapshot. Every `Cell | None` may be None."""

    learners: int  # learners with a snapshot (each counted once, whatever their number)
    threshold: int
    strand_counts: dict[str, Paired]  # "0" ... "6", "7+"
    five_or_more: Paired
    strong_web: Paired  # the whole strong-web checklist
    reciprocity: Paired  # at least one active reciprocal strand
    role_families: dict[RoleFamily, Paired]  # an active strand in the family
    mean_strands: tuple[float | None, float | None]  # (then, now)
    median_strands: tuple[str | None, str | None]  # (then, now), as a bucket of STRAND_BUCKETS
    trends: dict[Trend, Cell | None]  # grew / stayed / shrank, in active strands


@dataclass(frozen=True)
class MomentCounts:
    """One moment (the first snapshot, or today) of the learners with a snapshot, as counts."""

    strand_buckets: dict[str, int]  # "0" ... "6", "7+"
    strand_total: int  # the sum of their active strands (for the mean)
    five_or_more: int
    strong_web: int
    reciprocity: int
    role_families: dict[RoleFamily, int]


@dataclass(frozen=True)
class ChangeCounts:
    """Everything the then/now figures need, before suppression: a few dozen numbers, which the
    service has the database add up (`insights`), whatever the number of learners."""

    learners: int
    then: MomentCounts
    now: MomentCounts
    trends: dict[Trend, int]


def change_counts(changes: Sequence[LearnerChange]) -> ChangeCounts:
    """The counts of `changes` (one per learner), as the database would add them up."""
    return ChangeCounts(
        learners=len(changes),
        then=_moment([change.then for change in changes]),
        now=_moment([change.now for change in changes]),
        trends={trend: 0 for trend in Trend} | Counter(_trend(change) for change in changes),
    )


def _moment(scores: Sequence[WebScore]) -> MomentCounts:
    buckets = _buckets(scores)
    return MomentCounts(
        strand_buckets={bucket: buckets[bucket] for bucket in STRAND_BUCKETS},
        strand_total=sum(score.active_strands for score in scores),
        five_or_more=sum(score.active_strands >= FIVE_STRANDS for score in scores),
        strong_web=sum(score.is_strong_web for score in scores),
        reciprocity=sum(score.reciprocal_strands > 0 for score in scores),
        role_families={f: sum(f in score.role_families for score in scores) for f in RoleFamily},
    )


def change_counts_to_json(counts: ChangeCounts) -> dict[str, Any]:
    """The counts as JSON-ready values, for the publication row (its figures since the start)."""

    def moment(m: MomentCounts) -> dict[str, Any]:
        return {
            "strand_buckets": m.strand_buckets,
            "strand_total": m.strand_total,
            "five_or_more": m.five_or_more,
            "strong_web": m.strong_web,
            "reciprocity": m.reciprocity,
            "role_families": {f.value: c for f, c in m.role_families.items()},
        }

    return {
        "learners": counts.learners,
        "then": moment(counts.then),
        "now": moment(counts.now),
        "trends": {t.value: c for t, c in counts.trends.items()},
    }


def change_counts_from_json(data: Mapping[str, Any]) -> ChangeCounts:
    """`change_counts_to_json` read back; a value the vocabulary no longer knows counts nothing."""

    def moment(raw: Mapping[str, Any]) -> MomentCounts:
        return MomentCounts(
            strand_buckets={b: int(raw["strand_buckets"].get(b, 0)) for b in STRAND_BUCKETS},
            strand_total=int(raw["strand_total"]),
            five_or_more=int(raw["five_or_more"]),
            strong_web=int(raw["strong_web"]),
            reciprocity=int(raw["reciprocity"]),
            role_families={f: int(raw["role_families"].get(f.value, 0)) for f in RoleFamily},
        )

    return ChangeCounts(
        learners=int(data["learners"]),
        then=moment(data["then"]),
        now=moment(data["now"]),
        trends={t: int(data["trends"].get(t.value, 0)) for t in Trend},
    )


def cohort_change(changes: Sequence[LearnerChange], threshold: int) -> CohortChange | None:
    """The anonymous then/now figures, or None when fewer than `threshold` learners have a snapshot.

    `changes` holds one entry per learner; `threshold` is the board's k and must be at least 1.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    return change_from_counts(change_counts(changes), threshold)


def change_from_counts(counts: ChangeCounts, threshold: int) -> CohortChange | None:
    """The then/now figures of `counts` with the board's k applied, or None below k learners."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n, k = counts.learners, threshold
    if n < k:
        return None
    then, now = counts.then, counts.now
    dist_then = _distribution(STRAND_BUCKETS, Counter(then.strand_buckets), n, k)
    dist_now = _distribution(STRAND_BUCKETS, Counter(now.strand_buckets), n, k)
    return CohortChange(
        learners=n,
        threshold=k,
        strand_counts={key: Paired(dist_then[key], dist_now[key]) for key in STRAND_BUCKETS},
        five_or_more=_paired(then.five_or_more, now.five_or_more, n, k),
        strong_web=_paired(then.strong_web, now.strong_web, n, k),
        reciprocity=_paired(then.reciprocity, now.reciprocity, n, k),
        role_families={
            family: _paired(then.role_families[family], now.role_families[family], n, k)
            for family in RoleFamily
        },
        mean_strands=(_mean(then, dist_then, n), _mean(now, dist_now, n)),
        median_strands=(_median(then, dist_then, n), _median(now, dist_now, n)),
        trends=_distribution(tuple(Trend), Counter(counts.trends), n, k),
    )


def _bucket(score: WebScore) -> str:
    return STRAND_BUCKETS[min(score.active_strands, len(STRAND_BUCKETS) - 1)]


def _buckets(scores: Sequence[WebScore]) -> Counter[str]:
    return Counter(_bucket(score) for score in scores)


def _paired(then: int, now: int, n: int, k: int) -> Paired:
    return Paired(then=_cell(then, n, k), now=_cell(now, n, k))


def _trend(change: LearnerChange) -> Trend:
    before, after = change.then.active_strands, change.now.active_strands
    if after > before:
        return Trend.GREW
    if after < before:
        return Trend.SHRANK
    return Trend.STAYED


def _whole(distribution: dict[str, Cell | None]) -> bool:
    """True when no bucket of the distribution is hidden (see the module docstring)."""
    return all(cell is not None for cell in distribution.values())


def _mean(moment: MomentCounts, distribution: dict[str, Cell | None], n: int) -> float | None:
    if not _whole(distribution):
        return None
    return moment.strand_total / n


def _median(moment: MomentCounts, distribution: dict[str, Cell | None], n: int) -> str | None:
    """The bucket of the middle learner (the lower middle one for an even count): buckets are
    in the order of the counts they hold, so walking them finds the learner's bucket."""
    if not _whole(distribution):
        return None
    middle, seen = (n - 1) // 2, 0
    for bucket in STRAND_BUCKETS:
        seen += moment.strand_buckets[bucket]
        if seen > middle:
            return bucket
    return STRAND_BUCKETS[-1]
