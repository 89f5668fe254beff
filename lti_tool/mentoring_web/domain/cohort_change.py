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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

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


def cohort_change(changes: Sequence[LearnerChange], threshold: int) -> CohortChange | None:
    """The anonymous then/now figures, or None when fewer than `threshold` learners have a snapshot.

    `changes` holds one entry per learner; `threshold` is the board's k and must be at least 1.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n = len(changes)
    if n < threshold:
        return None
    then = [change.then for change in changes]
    now = [change.now for change in changes]
    counts_then, counts_now = _buckets(then), _buckets(now)
    dist_then = _distribution(STRAND_BUCKETS, counts_then, n, threshold)
    dist_now = _distribution(STRAND_BUCKETS, counts_now, n, threshold)
    moves = Counter(_trend(change) for change in changes)
    return CohortChange(
        learners=n,
        threshold=threshold,
        strand_counts={key: Paired(dist_then[key], dist_now[key]) for key in STRAND_BUCKETS},
        five_or_more=_paired(then, now, lambda s: s.active_strands >= FIVE_STRANDS, threshold),
        strong_web=_paired(then, now, lambda s: s.is_strong_web, threshold),
        reciprocity=_paired(then, now, lambda s: s.reciprocal_strands > 0, threshold),
        role_families={
            family: _paired(then, now, _in_family(family), threshold) for family in RoleFamily
        },
        mean_strands=(_mean(then, dist_then), _mean(now, dist_now)),
        median_strands=(_median(then, dist_then), _median(now, dist_now)),
        trends=_distribution(tuple(Trend), moves, n, threshold),
    )


def _bucket(score: WebScore) -> str:
    return STRAND_BUCKETS[min(score.active_strands, len(STRAND_BUCKETS) - 1)]


def _buckets(scores: Sequence[WebScore]) -> Counter[str]:
    return Counter(_bucket(score) for score in scores)


def _in_family(family: RoleFamily) -> Callable[[WebScore], bool]:
    return lambda score: family in score.role_families


def _paired(
    then: Sequence[WebScore], now: Sequence[WebScore], test: Callable[[WebScore], bool], k: int
) -> Paired:
    n = len(then)
    return Paired(
        then=_cell(sum(test(score) for score in then), n, k),
        now=_cell(sum(test(score) for score in now), n, k),
    )


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


def _mean(scores: Sequence[WebScore], distribution: dict[str, Cell | None]) -> float | None:
    if not _whole(distribution):
        return None
    return sum(score.active_strands for score in scores) / len(scores)


def _median(scores: Sequence[WebScore], distribution: dict[str, Cell | None]) -> str | None:
    """The bucket of the middle learner (the lower middle one for an even count)."""
    if not _whole(distribution):
        return None
    ordered = sorted(score.active_strands for score in scores)
    middle = ordered[(len(ordered) - 1) // 2]
    return STRAND_BUCKETS[min(middle, len(STRAND_BUCKETS) - 1)]
