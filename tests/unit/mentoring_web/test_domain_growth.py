"""Growth over time: what changed between two snapshots of one web."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from lti_tool.mentoring_web.domain.facts import Band, Direction
from lti_tool.mentoring_web.domain.growth import compare, snapshot_of
from lti_tool.mentoring_web.domain.vocabulary import (
    Frequency,
    Location,
    Model,
    RoleFamily,
    Status,
    StrandKind,
    Support,
)

from .builders import new_payroll_clerk, strand

SEPTEMBER = datetime(2025, 9, 20, 15, 0)
MAY = datetime(2026, 5, 15, 15, 0)


def _september():
    strands = list(new_payroll_clerk().strands)
    # the flash chat with IT happened in early September
    strands[2] = replace(strands[2], last_contact_on=SEPTEMBER.date() - timedelta(days=10))
    return snapshot_of(strands, SEPTEMBER)


def _may():
    office, finance, it = _september().strands
    return snapshot_of(
        [
            office,
            replace(
                finance,
                label="finance colleague at the board office",
                supports=finance.supports | {Support.WELLBEING},
            ),
            it,  # last contact in September: no longer active in May
            strand(
                "Mentoring circle for new office staff",
                kind=StrandKind.GROUP,
                board_role="mentoring_lead",
                location=Location.OTHER_SITE,
                model=Model.GROUP,
                supports={Support.CAREER},
                frequency=Frequency.MONTHLY,
            ),
            strand(
                "Gr. 5 class I help at lunch",
                kind=StrandKind.GROUP,
                board_role="students",
                model=Model.WITH_STUDENTS,
                direction=Direction.I_SUPPORT,
                i_offer="Lunch club",
            ),
            strand("Someone in HR", board_role="business_support_staff", status=Status.PLANNED),
        ],
        MAY,
    )


def test_a_snapshot_scores_the_web_as_of_the_day_it_was_taken():
    september = _september()
    assert september.taken_at == SEPTEMBER
    assert september.score.total == 9
    assert snapshot_of(september.strands, MAY).score.strands == 2  # the flash chat lapsed


def test_strands_gained_ended_and_kept_are_matched_by_normalised_label():
    comparison = compare(_september(), _may())
    assert [s.label for s in comparison.gained] == [
        "Mentoring circle for new office staff",
        "Gr. 5 class I help at lunch",
    ]
    assert [s.label for s in comparison.ended] == ["IT technician"]
    assert [s.label for s in comparison.kept] == [
        "Office manager",
        "finance colleague at the board office",
    ]


def test_families_supports_and_models_reached_and_lost():
    comparison = compare(_september(), _may())
    assert comparison.families_reached == {RoleFamily.COACHES}
    assert comparison.families_lost == frozenset()
    assert comparison.supports_gained == {Support.WELLBEING, Support.CAREER}
    assert comparison.supports_lost == frozenset()
    assert comparison.models_gained == {Model.GROUP}
    assert comparison.models_lost == {Model.FLASH}


def test_score_then_and_now_with_deltas_per_component():
    comparison = compare(_september(), _may())
    assert comparison.score_then.components() == {"S": 3, "R": 1, "T": 3, "M": 2, "Q": 0}
    assert comparison.score_now.components() == {"S": 3, "R": 2, "T": 5, "M": 2, "Q": 1}
    assert comparison.deltas == {"S": 0, "R": 1, "T": 2, "M": 0, "Q": 1, "total": 4}
    assert (comparison.band_then, comparison.band_now) == (Band.GROWING, Band.GROWING)
    assert (comparison.earlier_taken_at, comparison.later_taken_at) == (SEPTEMBER, MAY)


def test_a_shrinking_web_shows_negative_deltas_and_lost_reach():
    comparison = compare(_may(), _september())
    assert comparison.deltas["total"] == -4
    assert comparison.families_lost == {RoleFamily.COACHES}


def test_comparing_a_web_with_itself_changes_nothing():
    september = _september()
    comparison = compare(september, september)
    assert comparison.gained == comparison.ended == ()
    assert len(comparison.kept) == 3
    assert set(comparison.deltas.values()) == {0}
