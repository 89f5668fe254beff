"""Anonymous cohort figures (§3.4): counts and shares only, small cells suppressed."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from lti_tool.mentoring_web.domain.cohort import STRAND_BUCKETS, Cell, cohort_summary
from lti_tool.mentoring_web.domain.facts import Band, CentreCard, WebFacts, WebScoreAndFacts
from lti_tool.mentoring_web.domain.score import score
from lti_tool.mentoring_web.domain.vocabulary import Formality, Model, RoleFamily, Status, Support

from .builders import TODAY, new_dece, new_payroll_clerk, seven_teacher_friends, strand, web

SECRET = "Zoë Secret-Label"


def entry(facts: WebFacts) -> WebScoreAndFacts:
    return WebScoreAndFacts(facts, score(facts, TODAY))


def with_centre(facts: WebFacts, board_role: str) -> WebFacts:
    centre = CentreCard(
        display_name=f"{SECRET} learner",
        board_role=board_role,
        strengths=(f"{SECRET} strength",),
        quiet_victories=(f"{SECRET} victory",),
        goals=(f"{SECRET} goal",),
    )
    return replace(facts, centre=centre)


def cohort() -> list[WebScoreAndFacts]:
    """Ten learners: 5 DECE-like strong webs, 5 teacher webs of seven friends."""
    dece = with_centre(new_dece(), "early_childhood_educator")
    friends = with_centre(seven_teacher_friends(), "classroom_teacher_elementary")
    return [entry(dece)] * 5 + [entry(friends)] * 5


def test_fewer_learners_than_the_threshold_gives_no_summary():
    assert cohort_summary(cohort()[:4], threshold=5) is None
    assert cohort_summary([], threshold=5) is None
    assert cohort_summary(cohort()[:5], threshold=5) is not None


def test_the_threshold_must_be_positive():
    with pytest.raises(ValueError, match="threshold"):
        cohort_summary(cohort(), threshold=0)


def test_the_figures_of_a_cohort():
    summary = cohort_summary(cohort(), threshold=5)
    assert summary is not None
    assert (summary.learners, summary.threshold) == (10, 5)
    assert summary.strand_counts["5"] == Cell(5, 0.5)
    assert summary.strand_counts["7+"] == Cell(5, 0.5)
    assert summary.strand_counts["0"] == Cell(0, 0.0)
    # All or none states a fact about every learner: 10 of 10, or 0 of 10, is not shown.
    assert summary.five_or_more is None
    assert summary.strong_web == Cell(5, 0.5)
    assert summary.role_families[RoleFamily.TEACHING] is None
    assert summary.role_families[RoleFamily.LEADERS] == Cell(5, 0.5)
    assert summary.role_families[RoleFamily.BUSINESS_OFFICE] is None
    assert summary.models[Model.PEER_INFORMAL] is None
    assert summary.supports[Support.FEEDBACK_REFLECTION] is None
    assert summary.supports[Support.WELLBEING] is None
    assert summary.reciprocity == Cell(5, 0.5)
    assert summary.bands == {
        Band.SEED: Cell(0, 0.0),
        Band.GROWING: Cell(5, 0.5),
        Band.STRONG: Cell(5, 0.5),
    }
    assert summary.assigned_but_dormant is None


def test_all_or_none_is_shown_only_where_the_board_hides_nothing():
    hidden = cohort_summary(cohort(), threshold=5)
    shown = cohort_summary(cohort(), threshold=1)
    assert hidden is not None
    assert shown is not None
    assert (hidden.five_or_more, shown.five_or_more) == (None, Cell(10, 1.0))
    assert shown.assigned_but_dormant == Cell(0, 0.0)


def test_a_distribution_with_everyone_in_one_bucket_is_hidden_whole():
    same = [cohort()[0]] * 6
    summary = cohort_summary(same, threshold=5)
    assert summary is not None
    assert set(summary.strand_counts.values()) == {None}
    assert set(summary.bands.values()) == {None}


def test_cells_of_one_to_k_minus_one_learners_are_suppressed():
    learners = cohort() + [entry(with_centre(new_payroll_clerk(), "office_administrator"))] * 2
    summary = cohort_summary(learners, threshold=5)
    assert summary is not None
    assert summary.role_families[RoleFamily.BUSINESS_OFFICE] is None  # 2 learners
    assert summary.models[Model.FLASH] is None
    assert summary.five_or_more is None  # 10 of 12: the 2 others would be exposed
    assert summary.role_families[RoleFamily.TEACHING] is None  # likewise: 10 of 12
    assert summary.models[Model.PEER_INFORMAL] is None
    assert summary.strong_web == Cell(5, 5 / 12)


def test_a_lone_suppressed_bucket_takes_the_next_smallest_with_it():
    learners = cohort() + [entry(with_centre(new_payroll_clerk(), "office_administrator"))] * 2
    summary = cohort_summary(learners, threshold=5)
    assert summary is not None
    # buckets: "3" has 2 learners (suppressed), "5" and "7+" have 5 each: one of them goes too,
    # or "3" could be read off as 12 - 5 - 5.
    shown = {key: cell for key, cell in summary.strand_counts.items() if cell is not None}
    assert summary.strand_counts["3"] is None
    assert sum(cell.count for cell in shown.values()) <= 12 - 5 - 2
    assert summary.bands[Band.GROWING] == Cell(7, 7 / 12)  # 5 friends + 2 clerks


def test_the_heat_map_by_participant_role_family_hides_small_groups():
    learners = cohort() + [entry(with_centre(new_payroll_clerk(), "office_administrator"))] * 2
    summary = cohort_summary(learners, threshold=5)
    assert summary is not None
    heat = summary.family_reach_by_participant
    assert list(heat) == [
        RoleFamily.TEACHING,
        RoleFamily.EARLY_YEARS_SUPPORT,
        RoleFamily.BUSINESS_OFFICE,
    ]
    assert heat[RoleFamily.BUSINESS_OFFICE] is None
    early_years = heat[RoleFamily.EARLY_YEARS_SUPPORT]
    assert early_years is not None
    assert early_years[RoleFamily.LEADERS] is None  # all 5 of them: a fact about each
    teachers = heat[RoleFamily.TEACHING]
    assert teachers is not None
    assert teachers[RoleFamily.LEADERS] is None  # "no teacher has a leader strand": likewise


def test_assigned_but_dormant_strands_are_counted():
    dormant = strand("Assigned mentor", formality=Formality.ASSIGNED, status=Status.DORMANT)
    learners = [entry(web(*new_dece().strands, dormant))] * 5 + [entry(new_dece())] * 5
    summary = cohort_summary(learners, threshold=5)
    assert summary is not None
    assert summary.assigned_but_dormant == Cell(5, 0.5)


def test_no_label_or_free_text_ever_reaches_the_summary():
    def secret_strands(facts: WebFacts) -> WebFacts:
        return replace(
            facts,
            strands=tuple(
                replace(
                    s,
                    label=f"{SECRET} {i}",
                    strength_note=f"{SECRET} note",
                    i_offer=f"{SECRET} offer",
                    next_step=f"{SECRET} step",
                )
                for i, s in enumerate(facts.strands)
            ),
        )

    learners = [WebScoreAndFacts(secret_strands(e.web), e.score) for e in cohort()]
    summary = cohort_summary(learners, threshold=5)
    assert summary is not None
    text = repr(asdict(summary))
    assert "Secret" not in text
    assert "Zoë" not in text

    def leaves(value: object) -> list[object]:
        if isinstance(value, dict):
            return [leaf for key, item in value.items() for leaf in (*leaves(key), *leaves(item))]
        if isinstance(value, list | tuple):
            return [leaf for item in value for leaf in leaves(item)]
        return [value]

    known = {*RoleFamily, *Model, *Support, *Band, *STRAND_BUCKETS, "count", "share"}
    for leaf in leaves(list(asdict(summary).values())):
        assert leaf is None or isinstance(leaf, int | float) or leaf in known, leaf


def test_counts_stored_with_the_publication_give_the_same_figures():
    """The publication keeps counts, not webs: read back, they make the very same summary."""
    from lti_tool.mentoring_web.domain.cohort import (
        cohort_counts,
        counts_from_json,
        counts_to_json,
        summary_from_counts,
    )

    learners = [*cohort(), entry(with_centre(new_payroll_clerk(), "payroll_clerk"))]
    stored = counts_to_json(cohort_counts(learners))
    assert SECRET not in str(stored)
    for k in (1, 5, 11, 12):
        assert summary_from_counts(counts_from_json(stored), k) == cohort_summary(learners, k)
