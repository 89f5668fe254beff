"""Cohort web insights on the facilitator's cohort page, through real LTI launches (issue 5.3).

Each table of today's figures has its chart beside it, drawn from the same rows; the section
"Change since the first snapshot" compares each learner's first snapshot (or their first on or
after a chosen day) with their web today. Under k learners — with a web, or with a snapshot —
the figures are replaced by a notice, and a figure of 1 to k-1 learners is words with no bar.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.cohort_helpers import (
    bars,
    chart,
    date_snapshots,
    grow_to_strong_web,
    learner,
    take_snapshot,
    track,
    values,
)
from tests.integration.mentoring_web.test_privacy_helpers import (
    Person,
    figures,
    launch_as,
    learner_claims,
    section,
)
from tests.lti_helpers import link_href, page_text

HIDDEN = "Figures are hidden for groups under {k} learners"
CHANGE_HIDDEN = "Change figures are hidden for groups under {k} learners."
K2 = [{"COHORT_MIN_GROUP_SIZE": 2}]


def _known_cohort(app: Flask, platform: FakePlatform) -> Person:
    """Five learners with one strand; 1-4 took a snapshot then, and 1-2 have since grown to a
    strong web (five strands). Learner 1's later snapshot and the facilitator's own are not "first".
    """
    amelie = launch_as(app, platform, "amelie")
    amelie.add_strand("Facilitator's own strand")
    take_snapshot(amelie)
    people = [learner(app, platform, number) for number in range(1, 6)]
    for person in people[:4]:
        take_snapshot(person)
    for number, person in enumerate(people[:2], start=1):
        grow_to_strong_web(person, number)
    take_snapshot(people[0])
    return amelie


@pytest.mark.parametrize("app_overrides", K2)
def test_each_table_of_today_has_its_chart_drawing_the_same_figures(
    app: Flask, fake_platform: FakePlatform
) -> None:
    page = _known_cohort(app, fake_platform).get("web/cohort")

    assert "Figures for 5 learners who have started a web." in page_text(page)
    strands = chart(page, "cohort-strands")
    assert figures(page, "cohort-strands")["1"] == "3 60%"
    assert values(strands) == {
        "0": ["0 (0%)"],
        "1": ["3 (60%)"],
        "2": ["0 (0%)"],
        "3": ["0 (0%)"],
        "4": ["0 (0%)"],
        "5": ["2 (40%)"],
        "6": ["0 (0%)"],
        "7 or more": ["0 (0%)"],
    }
    lengths = {name: found[0][1] for name, found in bars(strands).items()}
    assert lengths["1"] == pytest.approx(track(strands) * 0.6, abs=0.2)
    assert lengths["5"] == pytest.approx(track(strands) * 0.4, abs=0.2)
    assert lengths["0"] is None  # no learner: the value is written, and there is no bar

    assert values(chart(page, "cohort-overview")) == {
        "At least 5 active strands": ["2 (40%)"],
        "Every item of the strong-web checklist": ["2 (40%)"],
        "At least one reciprocal strand": ["2 (40%)"],
        "An assigned strand that has gone dormant": ["not shown"],  # none of them
    }
    families = values(chart(page, "cohort-families"))
    assert len(families) == 8
    assert families["Teaching colleagues"] == ["not shown"]  # all of them
    assert families["School & system leaders"] == ["2 (40%)"]
    assert families["Beyond the board"] == ["not shown"]  # none of them
    models = values(chart(page, "cohort-models"))
    assert len(models) == 11
    assert models["Informal peer support"] == ["not shown"]  # all of them
    assert models["One-to-one, someone I sought out"] == ["2 (40%)"]
    assert "<svg" not in section(page, "cohort-bands")  # tables without a chart stay tables


@pytest.mark.parametrize("app_overrides", K2)
def test_every_chart_is_a_captioned_image_named_like_its_table(
    app: Flask, fake_platform: FakePlatform
) -> None:
    page = _known_cohort(app, fake_platform).get("web/cohort")

    for heading_id, title in (
        ("cohort-strands", "Active strands per learner"),
        ("cohort-change-strands", "Active strands per learner, then and now"),
    ):
        html = section(page, heading_id)
        figure = re.search(r"<figure[^>]*>(.*?)</figure>", html, re.S)
        assert figure, heading_id
        assert f"<figcaption>Chart: {title}. The table beside it" in figure.group(1)
        svg = chart(page, heading_id)
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{heading_id}-chart-title {heading_id}-chart-desc"
        assert svg.find("{http://www.w3.org/2000/svg}title").text == title
        desc = svg.find("{http://www.w3.org/2000/svg}desc").text
        assert "fewer than 2 learners" in desc
        assert "The table beside the chart gives the same figures." in desc
        assert '<th scope="row">' in html.split("</figure>", 1)[1]  # and the table after it
    body = page.get_data(as_text=True)
    ids = re.findall(r'<(?:title|desc) id="([^"]+)"', body)
    assert len(ids) == len(set(ids))  # many charts on one page, no id twice


@pytest.mark.parametrize("app_overrides", K2)
def test_a_suppressed_figure_is_drawn_as_words_with_no_bar(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = _known_cohort(app, fake_platform)
    learner(app, fake_platform, 6, board_role="faculty_partner")  # alone beyond the board

    page = amelie.get("web/cohort")

    assert figures(page, "cohort-families")["Beyond the board"] == "not shown"
    drawn = bars(chart(page, "cohort-families"))
    assert drawn["Beyond the board"] == [("not shown", None)]
    # 5 of 6 have a teaching colleague: that leaves 1 out, so it is words too.
    assert drawn["Teaching colleagues"] == [("not shown", None)]
    assert drawn["School & system leaders"][0][0] == "2 (33%)"
    assert drawn["School & system leaders"][0][1] is not None
    svg = re.search(r"<svg\b.*?</svg>", section(page, "cohort-families"), re.S).group(0)
    # the two above, and four families no learner reaches (none: a fact about each of them)
    assert svg.count('class="bar bar--suppressed"') == 6


@pytest.mark.parametrize("app_overrides", K2)
def test_change_since_the_first_snapshot(app: Flask, fake_platform: FakePlatform) -> None:
    page = _known_cohort(app, fake_platform).get("web/cohort")
    text = page_text(page)

    assert "Change for 4 learners with a snapshot." in text  # not learner 5, not the facilitator
    # All or none is not shown: then, every learner had one strand (so no mean or median then).
    assert figures(page, "cohort-change-overview") == {
        "At least 5 active strands": "not shown 2 (50%)",
        "Every item of the strong-web checklist": "not shown 2 (50%)",
        "At least one reciprocal strand": "not shown 2 (50%)",
        "Mean active strands per learner": "not shown 3",
        "Median active strands per learner": "not shown 1",
    }
    strands = figures(page, "cohort-change-strands")
    assert strands["1"] == "not shown 2 (50%)"  # learner 1's later snapshot is not their first
    assert strands["5"] == "not shown 2 (50%)"
    families = figures(page, "cohort-change-families")
    assert families["Teaching colleagues"] == "not shown not shown"
    assert families["School & system leaders"] == "not shown 2 (50%)"
    assert figures(page, "cohort-change-trend") == {
        "More active strands than at the first snapshot": "2 50%",
        "As many active strands": "2 50%",
        "Fewer active strands": "0 0%",
    }
    drawn = bars(chart(page, "cohort-change-strands"))
    (then_text, then_length), (now_text, now_length) = drawn["1"]
    assert (then_text, now_text) == ("not shown", "2 (50%)")
    assert then_length is None
    assert now_length == pytest.approx(track(chart(page, "cohort-change-strands")) / 2, abs=0.2)
    legend = chart(page, "cohort-change-strands").find(
        "{http://www.w3.org/2000/svg}g[@class='legend']"
    )
    assert [t.text for t in legend.iter("{http://www.w3.org/2000/svg}tspan")] == [
        "First snapshot",
        "Today",
    ]
    assert values(chart(page, "cohort-change-trend"))["Fewer active strands"] == ["0 (0%)"]


def test_change_figures_wait_for_k_learners_with_a_snapshot(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    people = [learner(app, fake_platform, number) for number in range(1, 5)]
    for person in people:
        take_snapshot(person)

    hidden = amelie.get("web/cohort")  # 4 learners: nothing at all, charts included
    assert HIDDEN.format(k=5) in page_text(hidden)
    assert "<svg" not in hidden.get_data(as_text=True)
    assert "<table" not in hidden.get_data(as_text=True)

    fifth = learner(app, fake_platform, 5)
    without_snapshot = amelie.get("web/cohort")  # 5 webs, 4 snapshots: today only
    assert "Figures for 5 learners who have started a web." in page_text(without_snapshot)
    change = section(without_snapshot, "cohort-change")
    assert CHANGE_HIDDEN.format(k=5) in page_text(without_snapshot)
    assert "<svg" not in change
    assert "<table" not in change
    assert "Change for" not in page_text(without_snapshot)

    # One learner's first snapshot alone does not republish the figures (it would tell that
    # learner's change); once five learners' snapshots changed, the change figures appear.
    take_snapshot(fifth)
    assert CHANGE_HIDDEN.format(k=5) in page_text(amelie.get("web/cohort"))
    for person in [*people, fifth]:
        take_snapshot(person)
    shown = amelie.get("web/cohort")
    assert CHANGE_HIDDEN.format(k=5) not in page_text(shown)
    assert "Change for 5 learners with a snapshot." in page_text(shown)
    assert figures(shown, "cohort-change-strands")["1"] == "not shown not shown"  # all five


@pytest.mark.parametrize("app_overrides", K2)
def test_since_starts_from_the_first_snapshot_on_or_after_a_day(
    app: Flask, fake_platform: FakePlatform
) -> None:
    amelie = launch_as(app, fake_platform, "amelie")
    people = [learner(app, fake_platform, number) for number in range(1, 5)]
    for number, person in enumerate(people, start=1):
        take_snapshot(person)
        date_snapshots(app, learner_claims(number)["sub"], datetime(2025, 9, 2, 14, 0))
    for number, person in enumerate(people[:2], start=1):
        grow_to_strong_web(person, number)
        take_snapshot(person)

    from_september = amelie.get("web/cohort")
    assert "Change for 4 learners with a snapshot." in page_text(from_september)
    assert figures(from_september, "cohort-change-strands")["1"] == "not shown 2 (50%)"

    from_october = amelie.get("web/cohort?since=2025-10-01")
    text = page_text(from_october)
    assert "Change for 2 learners with a snapshot taken on or after October 1, 2025." in text
    # Both learners in one bucket, then and now, both stayed: all or none, so not shown.
    assert figures(from_october, "cohort-change-strands")["5"] == "not shown not shown"
    assert figures(from_october, "cohort-change-trend")["As many active strands"] == "not shown"
    assert 'value="2025-10-01"' in section(from_october, "cohort-change")
    report = link_href(from_october, "One-page report")
    assert report is not None
    assert report.endswith("/web/cohort/report?since=2025-10-01")
    # Today's figures do not depend on the day chosen.
    assert figures(from_october, "cohort-strands") == figures(from_september, "cohort-strands")

    too_late = page_text(amelie.get("web/cohort?since=2099-01-01"))
    assert (
        "They appear once at least 2 learners in this course have taken a snapshot of their web "
        "on or after January 1, 2099." in too_late
    )

    wrong = amelie.get("web/cohort?since=last-september")
    assert wrong.status_code == 200
    assert "Enter a date as year-month-day, for example 2025-09-01." in page_text(wrong)
    assert "Change for 4 learners with a snapshot." in page_text(wrong)  # from the very first
