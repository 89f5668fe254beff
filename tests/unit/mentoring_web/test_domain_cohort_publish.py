"""When a course's cohort figures may be republished, and what a published web keeps."""

from __future__ import annotations

from datetime import datetime, timedelta

from lti_tool.mentoring_web.domain.cohort_publish import (
    changed_learners,
    fingerprint,
    should_republish,
    wordless,
)
from lti_tool.mentoring_web.domain.facts import CentreCard, WebFacts
from tests.unit.mentoring_web.builders import new_dece

PUBLISHED = datetime(2026, 12, 1, 9, 0)
DAY = timedelta(days=1)


def test_one_learners_change_is_never_published_alone():
    later = PUBLISHED + 3 * DAY
    kwargs = {"published_learners": 11, "threshold": 5, "period": DAY}
    assert not should_republish(PUBLISHED, later, 1, **kwargs)
    assert not should_republish(PUBLISHED, later, 4, **kwargs)
    assert should_republish(PUBLISHED, later, 5, **kwargs)


def test_figures_are_republished_at_most_once_a_period():
    kwargs = {"published_learners": 11, "threshold": 5, "period": DAY}
    assert not should_republish(PUBLISHED, PUBLISHED + DAY / 2, 8, **kwargs)
    assert should_republish(PUBLISHED, PUBLISHED + DAY, 8, **kwargs)


def test_a_publication_that_showed_nothing_may_be_replaced_by_one_change():
    kwargs = {"threshold": 5, "period": DAY}
    assert should_republish(PUBLISHED, PUBLISHED + DAY, 1, published_learners=4, **kwargs)
    assert not should_republish(PUBLISHED, PUBLISHED + DAY, 0, published_learners=4, **kwargs)


def test_added_removed_and_changed_learners_all_count():
    assert changed_learners({1: "a", 2: "b", 3: "c"}, {1: "a", 2: "B", 4: "d"}) == 3


def test_a_wordless_web_keeps_the_facts_and_none_of_the_words():
    web = new_dece()
    web = WebFacts(
        centre=CentreCard(
            display_name="Priya Sharma",
            board_role="early_childhood_educator",
            strengths=("Patience",),
            goals=("Lead a workshop",),
        ),
        strands=web.strands,
    )
    plain = wordless(web)
    assert plain.centre == CentreCard(board_role="early_childhood_educator")
    assert [s.label for s in plain.strands] == [f"s{n}" for n in range(1, len(web.strands) + 1)]
    assert [s.board_role for s in plain.strands] == [s.board_role for s in web.strands]
    written = " ".join(s.label + s.strength_note + s.i_offer + s.next_step for s in web.strands)
    for word in written.split():
        if len(word) > 3:
            assert all(word not in s.label + s.strength_note for s in plain.strands)


def test_the_fingerprint_ignores_the_score_which_moves_with_the_date_alone():
    assert fingerprint({"strands": [1], "score": {"total": 3}}) == fingerprint(
        {"strands": [1], "score": {"total": 9}}
    )
    assert fingerprint({"strands": [1]}) != fingerprint({"strands": [2]})
