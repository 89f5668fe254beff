"""Anonymous cohort figures for facilitators.

Figures come from every learner's web in the course as it stands today. None are shown below the
board's k (COHORT_MIN_GROUP_SIZE, default 5); above it, a figure counting fewer than k learners
(or leaving fewer than k out) reads "fewer than k". Nothing a learner wrote — name, label, note,
strength — reaches the page.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.cohort_helpers import STRONG_WEB, label
from tests.integration.mentoring_web.test_privacy_helpers import (
    COURSE_B,
    Person,
    figures,
    launch_as,
    launch_learner,
    learner_claims,
)
from tests.lti_helpers import CONTEXT, page_text

HIDDEN = "Figures are hidden for groups under {k} learners"

# STRONG_WEB: five active strands across three role families and two models, the first one
# mutual: S5 R3 T1 M1 Q1 = 11 (Growing), and the whole strong-web checklist.
_label = label


def _free_text(number: int) -> list[str]:
    """Everything learner `number` wrote or is called: none of it may reach the cohort page."""
    claims = learner_claims(number)
    return [
        claims["name"],
        claims["given_name"],
        claims["email"],
        claims["sub"],
        _label(number, 0),
        f"Strength of {number:03d} Quasar",
        f"Goal of {number:03d} Nebula",
        f"Victory of {number:03d} Pulsar",
        f"Offer of {number:03d} Comet",
        f"Next step of {number:03d} Meteor",
        f"Note of {number:03d} Aurora",
    ]


def _strong_learner(app: Flask, platform: FakePlatform, number: int) -> Person:
    person = launch_learner(app, platform, number)
    person.fill_centre_card(
        board_role="classroom_teacher_elementary",
        strengths=f"Strength of {number:03d} Quasar",
        goals=f"Goal of {number:03d} Nebula",
        quiet_victories=f"Victory of {number:03d} Pulsar",
    )
    for index, (role, model) in enumerate(STRONG_WEB):
        extra = (
            {
                "direction": "mutual",
                "i_offer": f"Offer of {number:03d} Comet",
                "next_step": f"Next step of {number:03d} Meteor",
                "strength_note": f"Note of {number:03d} Aurora",
            }
            if index == 0
            else {}
        )
        person.add_strand(_label(number, index), board_role=role, model=model, **extra)
    return person


def _one_strand_learner(
    app: Flask, platform: FakePlatform, number: int, **strand: object
) -> Person:
    person = launch_learner(app, platform, number)
    person.add_strand(_label(number, 0), **strand)
    return person


def test_figures_are_hidden_below_five_learners_and_shown_at_five(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    for number in range(1, 5):
        _one_strand_learner(app, fake_platform, number)
    # A facilitator's and a mentor's own webs are not learners' webs: they do not count.
    amelie.add_strand("Facilitator's own strand")
    launch_as(app, fake_platform, "marc").add_strand("Mentor's own strand")

    hidden = amelie.get("web/cohort")

    assert hidden.status_code == 200
    assert HIDDEN.format(k=5) in page_text(hidden)
    assert "<table" not in hidden.get_data(as_text=True)

    _one_strand_learner(app, fake_platform, 5)
    shown = amelie.get("web/cohort")

    assert HIDDEN.format(k=5) not in page_text(shown)
    assert "Figures for 5 learners who have started a web." in page_text(shown)
    assert figures(shown, "cohort-strands")["1"] == "not shown"  # all 5: a fact about each


@pytest.mark.parametrize("app_overrides", [{"COHORT_MIN_GROUP_SIZE": 3}])
def test_the_threshold_is_configurable(app: Flask, fake_platform: FakePlatform) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    for number in range(1, 3):
        _one_strand_learner(app, fake_platform, number)
    assert HIDDEN.format(k=3) in page_text(amelie.get("web/cohort"))

    _one_strand_learner(app, fake_platform, 3)
    shown = amelie.get("web/cohort")

    assert "Figures for 3 learners who have started a web." in page_text(shown)
    assert figures(shown, "cohort-overview")["At least 5 active strands"] == "not shown"  # none


@pytest.mark.parametrize("app_overrides", [{"COHORT_MIN_GROUP_SIZE": 2}])
def test_figures_for_a_known_cohort(app: Flask, fake_platform: FakePlatform) -> None:
    """Three strong webs and three one-strand webs; one of these alone has a well-being strand."""
    amelie = launch_as(app, fake_platform, "amelie")
    for number in (1, 2, 3):
        _strong_learner(app, fake_platform, number)
    _one_strand_learner(app, fake_platform, 4).fill_centre_card(
        board_role="principal_vice_principal"
    )
    _one_strand_learner(app, fake_platform, 5)
    _one_strand_learner(
        app, fake_platform, 6, supports=["instructional_practice", "wellbeing_emotional"]
    )

    page = amelie.get("web/cohort")

    assert "Figures for 6 learners who have started a web." in page_text(page)
    assert figures(page, "cohort-overview") == {
        "At least 5 active strands": "3 50%",
        "Every item of the strong-web checklist": "3 50%",
        "At least one reciprocal strand": "3 50%",
        "An assigned strand that has gone dormant": "not shown",  # none of them
    }
    assert figures(page, "cohort-strands") == {
        "0": "0 0%",
        "1": "3 50%",
        "2": "0 0%",
        "3": "0 0%",
        "4": "0 0%",
        "5": "3 50%",
        "6": "0 0%",
        "7 or more": "0 0%",
    }
    assert figures(page, "cohort-bands") == {"Seed": "3 50%", "Growing": "3 50%", "Strong": "0 0%"}
    families = figures(page, "cohort-families")
    assert families["Teaching colleagues"] == "not shown"  # all six
    assert families["School & system leaders"] == "3 50%"
    assert families["Coaches, consultants & system program staff"] == "3 50%"
    assert families["Beyond the board"] == "not shown"  # none
    assert len(families) == 8
    models = figures(page, "cohort-models")
    assert models["Informal peer support"] == "not shown"  # all six
    assert models["One-to-one, someone I sought out"] == "3 50%"
    assert models["Reverse mentoring"] == "not shown"  # none
    supports = figures(page, "cohort-supports")
    assert supports["Helps me do the core of my job better"] == "not shown"  # all six
    # One learner alone has a well-being strand: suppressed, not "1 17%".
    assert supports["Someone I can be honest with; listens and encourages"] == "not shown"
    # By the learners' own role family: three teachers are a group; one principal is not.
    by_role = page_text(page).split("by the learners' own role family", 1)[1]
    assert "Learners in: Teaching colleagues" in by_role
    assert "Learners in: School & system leaders" in by_role
    assert "Fewer than 2 learners: not shown." in by_role


@pytest.mark.parametrize("app_overrides", [{"COHORT_MIN_GROUP_SIZE": 2}])
def test_no_name_label_or_free_text_reaches_the_cohort_page(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    for number in (1, 2, 3):
        _strong_learner(app, fake_platform, number).share()  # sharing changes nothing here

    text = page_text(amelie.get("web/cohort"))

    assert "Figures for 3 learners" in text
    for number in (1, 2, 3):
        for secret in _free_text(number):
            assert secret not in text
        for index in range(len(STRONG_WEB)):
            assert _label(number, index) not in text
    for fragment in ("Xylocarp", "Quillon", "Zéphyrine", "Quasar", "Comet", "Meteor", "Aurora"):
        assert fragment not in text
    assert "/web/shared/" not in text  # no drill-down from a figure to a person


def test_a_cohort_is_this_course_only(app: Flask, fake_platform: FakePlatform) -> None:
    """Five learners' webs in course B give course A no figures."""
    for number in range(1, 6):
        launch_learner(app, fake_platform, number, COURSE_B).add_strand(_label(number, 0))
    in_b = launch_as(app, fake_platform, "amelie", {CONTEXT: COURSE_B})
    amelie = launch_as(app, fake_platform, "amelie")

    assert "Figures for 5 learners" in page_text(in_b.get("web/cohort"))
    assert HIDDEN.format(k=5) in page_text(amelie.get("web/cohort"))
