"""The Web Strength score (§1.7): the brief's three worked examples to the figure, then the edges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lti_tool.mentoring_web.domain.facts import Band, Direction, WebScore
from lti_tool.mentoring_web.domain.score import (
    band_for,
    distinct_strands,
    is_active,
    normalise_label,
)
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.domain.vocabulary import (
    BOARD_ROLES,
    Frequency,
    Model,
    Status,
    StrandKind,
    Support,
)

from .builders import TODAY, new_dece, new_payroll_clerk, seven_teacher_friends, strand, web


def _figures(score: WebScore) -> tuple[int, int, int, int, int, int]:
    c = score.components()
    return c["S"], c["R"], c["T"], c["M"], c["Q"], score.total


def test_worked_example_new_dece_is_17_strong_and_meets_the_checklist():
    score = web_score(new_dece(), TODAY)
    assert _figures(score) == (5, 4, 5, 2, 1, 17)
    assert score.band is Band.STRONG
    assert score.is_strong_web
    assert all(item.met for item in score.checklist)


def test_worked_example_seven_teacher_friends_is_12_growing_one_family_one_model():
    score = web_score(seven_teacher_friends(), TODAY)
    assert _figures(score) == (7, 1, 3, 0, 1, 12)
    assert score.band is Band.GROWING
    assert not score.is_strong_web
    met = {item.code: item.met for item in score.checklist}
    assert met == {"strands": True, "role_families": False, "models": False}


def test_worked_example_new_payroll_clerk_is_9_growing_fewer_than_five_strands():
    score = web_score(new_payroll_clerk(), TODAY)
    assert _figures(score) == (3, 1, 3, 2, 0, 9)
    assert score.band is Band.GROWING
    assert not score.is_strong_web
    strands_item = next(item for item in score.checklist if item.code == "strands")
    assert (strands_item.value, strands_item.target, strands_item.met) == (3, 5, False)


def test_empty_web_is_a_seed_of_zero():
    score = web_score(web(), TODAY)
    assert _figures(score) == (0, 0, 0, 0, 0, 0)
    assert score.band is Band.SEED
    assert not score.is_strong_web


def test_every_component_is_capped_so_the_total_tops_out_at_20():
    roles = [value for value, _label, _family in BOARD_ROLES]
    models = list(Model)
    big = web(
        *(
            strand(
                f"Support {i}",
                board_role=roles[i % len(roles)],
                model=models[i % len(models)],
                supports=set(Support),
                strength=9,
                direction=Direction.MUTUAL,
                i_offer="Time",
            )
            for i in range(23)
        )
    )
    score = web_score(big, TODAY)
    assert _figures(score) == (7, 4, 5, 2, 2, 20)
    assert score.active_strands == 23  # the uncapped count is kept for cohort figures
    assert score.band is Band.STRONG


def test_model_mix_is_zero_not_negative_without_models():
    assert web_score(web(), TODAY).model_mix == 0
    assert web_score(web(strand("One")), TODAY).model_mix == 0


def test_same_person_twice_is_one_strand_with_both_supports():
    score = web_score(
        web(
            strand("M.K.", supports={Support.WELLBEING}, strength=8),
            strand("  m.k. ", supports={Support.CAREER}, strength=9),
        ),
        TODAY,
    )
    assert score.strands == 1
    assert score.supports == {Support.WELLBEING, Support.CAREER}
    assert score.strong_ties == 1
    assert score.quality == 0  # two ratings of one person are not two strong ties


def test_merging_keeps_the_union_of_supports_and_the_highest_strength():
    (merged,) = distinct_strands(
        [
            strand("Maya  Lee", supports={Support.WELLBEING}, strength=4),
            strand(
                "maya lee", supports={Support.CAREER}, strength=None, direction=Direction.MUTUAL
            ),
        ]
    )
    assert merged.supports == {Support.WELLBEING, Support.CAREER}
    assert merged.strength == 4
    assert merged.direction is Direction.MUTUAL


@pytest.mark.parametrize("status", [Status.DORMANT, Status.ENDED, Status.PLANNED])
def test_dormant_ended_and_planned_strands_do_not_count(status):
    score = web_score(
        web(
            strand("Active"), strand("Other", status=status, board_role="principal_vice_principal")
        ),
        TODAY,
    )
    assert (score.strands, score.role_reach) == (1, 1)


def test_rarely_is_not_active():
    assert not is_active(strand(frequency=Frequency.RARELY), TODAY)


@pytest.mark.parametrize(
    "frequency",
    [
        Frequency.WEEKLY_PLUS,
        Frequency.EVERY_2_3_WEEKS,
        Frequency.MONTHLY,
        Frequency.ONCE_OR_TWICE_A_TERM,
    ],
)
def test_regular_rhythms_are_active(frequency):
    assert is_active(strand(frequency=frequency), TODAY)


@pytest.mark.parametrize(
    ("days_ago", "active"), [(None, False), (0, True), (90, True), (91, False)]
)
def test_just_in_time_counts_while_the_last_contact_is_within_90_days(days_ago, active):
    last = None if days_ago is None else TODAY - timedelta(days=days_ago)
    jit = strand(frequency=Frequency.JUST_IN_TIME, last_contact_on=last)
    assert is_active(jit, TODAY) is active


def test_strands_i_support_count_only_for_reciprocity():
    class_group = strand(
        "My period 3 class",
        kind=StrandKind.GROUP,
        board_role="students",
        model=Model.WITH_STUDENTS,
        supports={Support.CULTURAL_IDENTITY},
        direction=Direction.I_SUPPORT,
        i_offer="A calm start to the day",
        strength=9,
    )
    alone = web_score(web(strand("Colleague", strength=9)), TODAY)
    both = web_score(web(strand("Colleague", strength=9), class_group), TODAY)
    assert both.components() == {**alone.components(), "Q": alone.quality + 1}
    assert both.reciprocal_strands == 1
    assert Support.CULTURAL_IDENTITY not in both.supports


def test_a_dormant_reciprocal_strand_earns_no_reciprocity():
    score = web_score(
        web(strand("Old friend", direction=Direction.MUTUAL, i_offer="x", status=Status.DORMANT)),
        TODAY,
    )
    assert score.quality == 0


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, Band.SEED),
        (6, Band.SEED),
        (7, Band.GROWING),
        (13, Band.GROWING),
        (14, Band.STRONG),
        (20, Band.STRONG),
    ],
)
def test_band_boundaries(total, band):
    assert band_for(total) is band


def test_normalised_labels_ignore_case_and_spacing():
    assert normalise_label("  Grade 2\tTeam ") == normalise_label("grade 2 team")
