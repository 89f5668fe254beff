"""Change between snapshots across a cohort: then/now figures, small cells suppressed."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from lti_tool.mentoring_web.domain.cohort import STRAND_BUCKETS, Cell
from lti_tool.mentoring_web.domain.cohort_change import (
    LearnerChange,
    Paired,
    Trend,
    cohort_change,
)
from lti_tool.mentoring_web.domain.facts import WebFacts, WebScore
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.domain.vocabulary import RoleFamily, Status

from .builders import TODAY, new_dece, new_payroll_clerk, seven_teacher_friends, strand, web


def score(facts: WebFacts) -> WebScore:
    return web_score(facts, TODAY)


CLERK, DECE, FRIENDS = score(new_payroll_clerk()), score(new_dece()), score(seven_teacher_friends())
EMPTY = score(web())


def change(then: WebScore, now: WebScore, times: int = 1) -> list[LearnerChange]:
    return [LearnerChange(then=then, now=now)] * times


def grown_cohort() -> list[LearnerChange]:
    """Ten learners: 5 clerks whose web became the DECE's strong web, 5 friends who stayed."""
    return change(CLERK, DECE, 5) + change(FRIENDS, FRIENDS, 5)


def test_the_builders_are_what_the_figures_below_assume():
    assert (CLERK.active_strands, DECE.active_strands, FRIENDS.active_strands) == (3, 5, 7)
    assert (CLERK.is_strong_web, DECE.is_strong_web, FRIENDS.is_strong_web) == (False, True, False)
    assert (CLERK.reciprocal_strands, DECE.reciprocal_strands, FRIENDS.reciprocal_strands) == (
        0,
        1,
        0,
    )


def test_fewer_learners_with_a_snapshot_than_the_threshold_gives_no_figures():
    assert cohort_change(grown_cohort()[:4], threshold=5) is None
    assert cohort_change([], threshold=5) is None
    assert cohort_change([], threshold=1) is None
    summary = cohort_change(grown_cohort()[:5], threshold=5)
    assert summary is not None
    assert summary.learners == 5


def test_the_threshold_must_be_positive():
    with pytest.raises(ValueError, match="threshold"):
        cohort_change(grown_cohort(), threshold=0)


def test_the_figures_of_a_cohort_that_grew():
    figures = cohort_change(grown_cohort(), threshold=5)
    assert figures is not None
    assert (figures.learners, figures.threshold) == (10, 5)
    assert figures.strand_counts["3"] == Paired(Cell(5, 0.5), Cell(0, 0.0))
    assert figures.strand_counts["5"] == Paired(Cell(0, 0.0), Cell(5, 0.5))
    assert figures.strand_counts["7+"] == Paired(Cell(5, 0.5), Cell(5, 0.5))
    assert figures.strand_counts["0"] == Paired(Cell(0, 0.0), Cell(0, 0.0))
    assert list(figures.strand_counts) == list(STRAND_BUCKETS)
    # All or none (10 of 10, 0 of 10) says something of every learner: not shown.
    assert figures.five_or_more == Paired(Cell(5, 0.5), None)
    assert figures.strong_web == Paired(None, Cell(5, 0.5))
    assert figures.reciprocity == Paired(None, Cell(5, 0.5))
    families = figures.role_families
    assert list(families) == list(RoleFamily)
    assert families[RoleFamily.TEACHING] == Paired(Cell(5, 0.5), None)
    assert families[RoleFamily.BUSINESS_OFFICE] == Paired(Cell(5, 0.5), None)
    assert families[RoleFamily.LEADERS] == Paired(None, Cell(5, 0.5))
    assert families[RoleFamily.OTHER] == Paired(None, None)
    assert figures.mean_strands == (
        pytest.approx(5.0),
        pytest.approx(6.0),
    )  # (15+35)/10, (25+35)/10
    assert figures.median_strands == ("3", "5")  # the lower of the two middle learners
    assert figures.trends == {
        Trend.GREW: Cell(5, 0.5),
        Trend.STAYED: Cell(5, 0.5),
        Trend.SHRANK: Cell(0, 0.0),
    }


def test_a_cell_of_one_to_k_minus_one_learners_is_suppressed():
    learners = grown_cohort() + change(DECE, CLERK, 2)  # two webs shrank: 12 learners
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    assert figures.strong_web.then is None  # 2 strong webs then
    assert figures.reciprocity.then is None
    assert figures.strong_web.now == Cell(5, 5 / 12)
    assert figures.role_families[RoleFamily.LEADERS] == Paired(None, Cell(5, 5 / 12))


def test_a_cell_leaving_one_to_k_minus_one_learners_out_is_suppressed():
    learners = grown_cohort() + change(DECE, CLERK, 2)
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    # Today 10 of 12 have a teaching colleague: "10 of 12" tells that 2 have none.
    assert figures.role_families[RoleFamily.TEACHING].now is None
    assert figures.five_or_more.now is None  # 10 of 12 again
    assert figures.five_or_more.then == Cell(7, 7 / 12)  # 2 DECE + 5 friends: 5 are left out


def test_all_and_none_are_suppressed():
    """ "6 (100%)" or "0 (0%)" states a fact about every learner; so does a distribution with
    everyone in one bucket, and with it the mean and median."""
    figures = cohort_change(change(FRIENDS, FRIENDS, 6), threshold=5)
    assert figures is not None
    assert figures.five_or_more == Paired(None, None)
    assert figures.strong_web == Paired(None, None)
    assert set(figures.trends.values()) == {None}
    assert figures.mean_strands == (None, None)
    assert figures.median_strands == (None, None)


def test_a_lone_suppressed_bucket_takes_the_smallest_other_with_it():
    learners = grown_cohort() + change(DECE, CLERK, 2)
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    then = {key: pair.then for key, pair in figures.strand_counts.items()}
    now = {key: pair.now for key, pair in figures.strand_counts.items()}
    # Then: "3" 5 clerks, "5" 2 DECE (hidden), "7+" 5 friends: "3" goes too (first smallest),
    # or 12 - 5 - 5 would give the hidden 2 back.
    assert then["5"] is None
    assert then["3"] is None
    assert then["7+"] == Cell(5, 5 / 12)
    assert then["0"] == Cell(0, 0.0)  # an empty bucket gives nothing away
    # Now: "3" 2 clerks (hidden), "5" 5 DECE, "7+" 5 friends.
    assert now["3"] is None
    assert sum(cell is None for cell in now.values()) == 2
    # Grew 5, stayed 5, shrank 2: shrank is hidden, and one more with it.
    assert figures.trends[Trend.SHRANK] is None
    assert sum(cell is None for cell in figures.trends.values()) == 2


def test_two_suppressed_buckets_need_no_third():
    learners = change(EMPTY, FRIENDS, 5) + change(CLERK, FRIENDS, 2) + change(DECE, FRIENDS, 2)
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    then = {key: pair.then for key, pair in figures.strand_counts.items()}
    assert then["0"] == Cell(5, 5 / 9)
    assert then["3"] is None
    assert then["5"] is None


def test_mean_and_median_are_hidden_when_a_bucket_of_that_moment_is():
    learners = grown_cohort() + change(DECE, CLERK, 2)
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    assert figures.mean_strands == (None, None)
    assert figures.median_strands == (None, None)
    # Only the moment whose distribution is whole shows them.
    learners = change(EMPTY, FRIENDS, 5) + change(CLERK, DECE, 2) + change(FRIENDS, DECE, 5)
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    assert figures.mean_strands == (None, pytest.approx((5 * 7 + 7 * 5) / 12))
    assert figures.median_strands == (None, "5")  # a bucket, never the exact count


def test_a_threshold_of_one_suppresses_nothing():
    figures = cohort_change(change(CLERK, DECE), threshold=1)
    assert figures is not None
    assert figures.learners == 1
    assert figures.strand_counts["3"] == Paired(Cell(1, 1.0), Cell(0, 0.0))
    assert figures.trends[Trend.GREW] == Cell(1, 1.0)
    assert figures.mean_strands == (3.0, 5.0)


def test_growing_and_shrinking_follow_the_count_of_active_strands():
    dece = new_dece().strands
    # The VP went dormant: one active strand fewer, so the web shrank.
    vp_dormant = score(
        web(*(replace(s, status=Status.DORMANT) if s.label == "Our VP" else s for s in dece))
    )
    # The CYW was replaced by a coach: other families, but as many active strands: it stayed.
    coach = strand("Coach", board_role="instructional_coach")
    swapped = score(web(*(coach if s.label == "CYW on our team" else s for s in dece)))
    assert (vp_dormant.active_strands, swapped.active_strands) == (4, 5)
    assert swapped.role_families != DECE.role_families
    learners = change(DECE, vp_dormant, 5) + change(DECE, swapped, 5) + change(CLERK, DECE, 5)
    figures = cohort_change(learners, threshold=5)
    assert figures is not None
    assert figures.trends == {
        Trend.GREW: Cell(5, 1 / 3),
        Trend.STAYED: Cell(5, 1 / 3),
        Trend.SHRANK: Cell(5, 1 / 3),
    }


def test_only_counts_shares_and_vocabulary_come_out():
    figures = cohort_change(grown_cohort() + change(DECE, CLERK, 2), threshold=5)
    assert figures is not None

    def leaves(value: object) -> list[object]:
        if isinstance(value, dict):
            return [leaf for key, item in value.items() for leaf in (*leaves(key), *leaves(item))]
        if isinstance(value, list | tuple):
            return [leaf for item in value for leaf in leaves(item)]
        return [value]

    known = {*RoleFamily, *Trend, *STRAND_BUCKETS, "count", "share", "then", "now"}
    for leaf in leaves(list(asdict(figures).values())):
        assert leaf is None or isinstance(leaf, int | float) or leaf in known, leaf


def test_counts_stored_with_the_publication_give_the_same_change_figures():
    """What the database adds up (and the publication stores) makes the same then/now figures,
    median and mean included, as the learners' scores themselves."""
    from lti_tool.mentoring_web.domain.cohort_change import (
        change_counts,
        change_counts_from_json,
        change_counts_to_json,
        change_from_counts,
        cohort_change,
    )

    changes = grown_cohort() + change(score(new_payroll_clerk()), score(new_dece()), 3)
    stored = change_counts_to_json(change_counts(changes))
    for k in (1, 3, 5, len(changes)):
        expected = cohort_change(changes, k)
        assert change_from_counts(change_counts_from_json(stored), k) == expected
