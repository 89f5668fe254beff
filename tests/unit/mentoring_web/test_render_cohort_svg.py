"""The cohort charts: accessible SVG, a bar and its value per figure, suppression as words only."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from lti_tool.mentoring_web.domain.render_cohort_svg import (
    CANVAS_COLOURS,
    SINGLE,
    THEN_NOW,
    Chart,
    Row,
    Value,
    render_chart,
)
from lti_tool.mentoring_web.domain.web_style import INK, contrast_ratio

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "Zoë"'

STRANDS = Chart(
    title="Brins actifs par personne",
    description="Huit barres",
    rows=(
        Row("0", (Value(0.0, "0 (0 %)"),)),
        Row("1", (Value(0.5, "5 (50 %)"),)),
        Row("2", (Value(None, "moins de 5"),)),
        Row("7 ou plus", (Value(0.25, "3 (25 %)"),)),
    ),
)
CHANGE = Chart(
    title="Then and now",
    description="Two bars a row",
    series=("First snapshot", "Today"),
    rows=(
        Row("At least 5 active strands", (Value(0.2, "2 (20%)"), Value(0.6, "6 (60%)"))),
        Row("A strong web", (Value(None, "fewer than 5"), Value(1.0, "10 (100%)"))),
    ),
)


def xml(svg: str) -> ET.Element:
    """Parse our own output (no untrusted XML reaches ElementTree here)."""
    return ET.fromstring(svg.encode("utf-8"))  # noqa: S314


def rows(root: ET.Element) -> list[ET.Element]:
    return root.findall("svg:g[@class='row']", NS)


def bars(row: ET.Element) -> list[ET.Element]:
    return [g for g in row.findall("svg:g", NS) if "bar" in g.get("class", "").split()]


def words(element: ET.Element) -> list[str]:
    return [tspan.text or "" for tspan in element.iter(f"{SVG}tspan")]


def fill_width(bar: ET.Element) -> float | None:
    fill = [r for r in bar.findall("svg:rect", NS) if "fill" in r.get("class", "").split()]
    return float(fill[0].get("width")) if fill else None


def track_width(bar: ET.Element) -> float:
    return float(bar.find("svg:rect[@class='track']", NS).get("width"))


def test_the_chart_is_an_accessible_image_with_the_given_title_and_description():
    root = xml(render_chart(STRANDS, id_prefix="strands"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "strands-title strands-desc"
    assert root.find("svg:title", NS).get("id") == "strands-title"
    assert root.find("svg:title", NS).text == "Brins actifs par personne"
    assert root.find("svg:desc", NS).get("id") == "strands-desc"
    assert root.find("svg:desc", NS).text == "Huit barres"
    assert root.get("width") is None  # scales to its container through the viewBox
    assert root.get("viewBox").startswith("0 0 440 ")


def test_every_row_has_its_label_and_every_bar_its_value_in_words():
    root = xml(render_chart(STRANDS, id_prefix="s"))
    found = rows(root)
    assert [words(row.find("svg:text[@class='label']", NS)) for row in found] == [
        ["0"],
        ["1"],
        ["2"],
        ["7 ou plus"],
    ]
    values = [words(bars(row)[0].find("svg:text[@class='value']", NS)) for row in found]
    assert values == [["0 (0 %)"], ["5 (50 %)"], ["moins de 5"], ["3 (25 %)"]]


def test_bar_lengths_are_proportional_to_the_share_on_a_common_track():
    found = rows(xml(render_chart(STRANDS, id_prefix="s")))
    track = track_width(bars(found[1])[0])
    assert fill_width(bars(found[1])[0]) == pytest.approx(track * 0.5, abs=0.1)
    assert fill_width(bars(found[3])[0]) == pytest.approx(track * 0.25, abs=0.1)
    assert fill_width(bars(found[0])[0]) is None  # 0 learners: a value, and no bar to see
    assert {track_width(bars(row)[0]) for row in found} == {track}


def test_a_suppressed_figure_is_its_words_and_no_bar():
    found = rows(xml(render_chart(STRANDS, id_prefix="s")))
    suppressed = bars(found[2])[0]
    assert suppressed.get("class") == "bar bar--suppressed"
    assert fill_width(suppressed) is None
    assert suppressed.find("svg:g[@class='hatch']", NS) is None
    assert words(suppressed) == ["moins de 5"]
    assert all(
        "bar--suppressed" not in bars(row)[0].get("class") for row in found if row != found[2]
    )


def test_then_and_now_differ_by_fill_pattern_not_colour_alone():
    root = xml(render_chart(CHANGE, id_prefix="change"))
    then, now = bars(rows(root)[0])
    then_fill = then.find("svg:rect[@class='fill fill--hatched']", NS)
    assert then_fill.get("fill") == "#ffffff"  # hollow
    assert then_fill.get("stroke") == THEN_NOW[0].colour
    assert len(then.findall("svg:g[@class='hatch']/svg:line", NS)) >= 3
    now_fill = now.find("svg:rect[@class='fill']", NS)
    assert now_fill.get("fill") == THEN_NOW[1].colour  # solid
    assert now.find("svg:g[@class='hatch']", NS) is None
    assert (then.get("data-series"), now.get("data-series")) == ("0", "1")
    assert float(then_fill.get("y")) < float(now_fill.get("y"))  # then above now, every row


def test_hatching_stays_inside_its_bar():
    root = xml(render_chart(CHANGE, id_prefix="change"))
    then = bars(rows(root)[0])[0]
    box = then.find("svg:rect[@class='fill fill--hatched']", NS)
    x, y = float(box.get("x")), float(box.get("y"))
    right, bottom = x + float(box.get("width")), y + float(box.get("height"))
    for line in then.findall("svg:g[@class='hatch']/svg:line", NS):
        for px, py in ((line.get("x1"), line.get("y1")), (line.get("x2"), line.get("y2"))):
            assert x - 0.1 <= float(px) <= right + 0.1
            assert y - 0.1 <= float(py) <= bottom + 0.1


def test_a_then_now_chart_has_a_legend_naming_both_series():
    root = xml(render_chart(CHANGE, id_prefix="change"))
    items = root.findall("svg:g[@class='legend']/svg:g", NS)
    assert [words(item) for item in items] == [["First snapshot"], ["Today"]]
    assert items[0].find("svg:g[@class='hatch']", NS) is not None
    assert items[1].find("svg:g[@class='hatch']", NS) is None
    suppressed = bars(rows(root)[1])[0]
    assert words(suppressed) == ["fewer than 5"]
    assert fill_width(bars(rows(root)[1])[1]) == pytest.approx(track_width(suppressed), abs=0.1)
    assert xml(render_chart(STRANDS, id_prefix="s")).find("svg:g[@class='legend']", NS) is None


def test_labels_are_escaped_and_control_characters_dropped():
    chart = Chart(
        title=EVIL,
        description=EVIL,
        rows=(Row(EVIL + "\x07", (Value(0.5, EVIL),)),),
    )
    svg = render_chart(chart, id_prefix='x" onload="alert(1)')
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = xml(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert root.get("aria-labelledby") == "xonloadalert1-title xonloadalert1-desc"
    assert root.find("svg:title", NS).text == EVIL
    assert rows(root)[0].find("svg:title", NS).text == EVIL  # the full label, on hover
    assert "\x07" not in svg


def test_long_labels_wrap_and_every_row_keeps_its_full_label_as_a_title():
    label = "Broker: shows me the ropes and introduces me to others " * 3
    root = xml(render_chart(Chart("t", "d", (Row(label, (Value(0.1, "1"),)),)), id_prefix="x"))
    lines = words(rows(root)[0].find("svg:text[@class='label']", NS))
    assert 2 <= len(lines) <= 3
    assert lines[-1].endswith("…")
    assert rows(root)[0].find("svg:title", NS).text == label.strip()


def test_no_external_references_and_the_output_is_deterministic():
    first = render_chart(CHANGE, id_prefix="change")
    assert first == render_chart(CHANGE, id_prefix="change")
    for forbidden in ("<image", "href", "url(", "<script", "<style"):
        assert forbidden not in first


def test_rows_must_have_one_value_per_series():
    with pytest.raises(ValueError, match="values"):
        render_chart(
            Chart("t", "d", (Row("a", (Value(0.1, "1"),)),), ("then", "now")), id_prefix="x"
        )
    with pytest.raises(ValueError, match="series"):
        render_chart(Chart("t", "d", (), ("a", "b", "c")), id_prefix="x")


def test_an_empty_chart_still_renders():
    root = xml(render_chart(Chart("t", "d", ()), id_prefix="x"))
    assert rows(root) == []
    assert root.get("role") == "img"


@pytest.mark.parametrize(
    ("colour", "canvas"),
    list(itertools.product([s.colour for s in SINGLE + THEN_NOW], CANVAS_COLOURS)),
)
def test_bar_colours_keep_3_to_1_against_the_background_and_the_track(colour, canvas):
    assert contrast_ratio(colour, canvas) >= 3.0


@pytest.mark.parametrize("canvas", CANVAS_COLOURS)
def test_text_keeps_4_5_to_1_wherever_it_sits(canvas):
    assert contrast_ratio(INK, canvas) >= 4.5
    root = xml(render_chart(CHANGE, id_prefix="change"))
    assert {text.get("fill") for text in root.iter(f"{SVG}text")} == {INK}


def test_the_two_series_colours_differ_as_well_as_their_patterns():
    assert THEN_NOW[0].colour != THEN_NOW[1].colour
    assert THEN_NOW[0].hatched != THEN_NOW[1].hatched
