"""The SVG picture: valid, accessible, escaped, and drawing each strand the way the legend says."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, StrandFacts, WebFacts
from lti_tool.mentoring_web.domain.layout import layout_web
from lti_tool.mentoring_web.domain.render_svg import render_svg, render_svg_inline
from lti_tool.mentoring_web.domain.vocabulary import (
    BOARD_ROLE_LABELS,
    ROLE_FAMILY_LABELS,
    Frequency,
    Location,
    Model,
    Status,
    StrandKind,
    Support,
)
from lti_tool.mentoring_web.domain.web_style import TEXTS

NS = {"svg": "http://www.w3.org/2000/svg"}
EVIL = '<script>alert("x")</script> & "M.K."'


def strand(label: str, role: str = "classroom_teacher_elementary", **changes) -> StrandFacts:
    fields = {
        "kind": StrandKind.INDIVIDUAL,
        "board_role": role,
        "location": Location.SAME_SITE,
        "model": Model.PEER_INFORMAL,
        "supports": frozenset({Support.WELLBEING}),
        "frequency": Frequency.MONTHLY,
        "status": Status.ACTIVE,
    }
    return StrandFacts(label=label, **(fields | changes))


WEB = WebFacts(
    centre=CentreCard(display_name="Anne-Sophie", board_role="classroom_teacher_elementary"),
    strands=(
        strand("M.K. (Gr. 1 teaching partner)", strength=8, direction=Direction.MUTUAL, id=1),
        strand("Équipe de 2e année", strength=3, id=2),
        strand("Priya", "early_childhood_educator", strength=10, id=3),
        strand("Old mentor", status=Status.ENDED, strength=9, id=4),
        strand("Coach", "instructional_coach", status=Status.PLANNED, id=5),
        strand("My Gr. 3 class", "students", direction=Direction.I_SUPPORT, strength=7, id=6),
        strand("Office manager", "office_administrator", status=Status.DORMANT, id=7),
        strand(EVIL, "other", id=8),
    ),
)


def xml(svg: str) -> ET.Element:
    """Parse our own output (no untrusted XML reaches ElementTree here)."""
    return ET.fromstring(svg.encode("utf-8"))  # noqa: S314


def parse(web: WebFacts = WEB, **options) -> ET.Element:
    svg = render_svg(
        layout_web(web), title="Mon réseau", description="Huit fils", labels={}, **options
    )
    return xml(svg)


def strands_by_index(root: ET.Element, css: str) -> dict[int, ET.Element]:
    found = {}
    for group in root.iterfind(".//svg:g[@data-strand]", NS):
        if css in group.get("class", "").split():
            found[int(group.get("data-strand"))] = group
    return found


def test_the_document_is_an_accessible_image():
    root = parse(id_prefix="sept")
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "sept-title sept-desc"
    assert root.find("svg:title", NS).get("id") == "sept-title"
    assert root.find("svg:title", NS).text == "Mon réseau"
    assert root.find("svg:desc", NS).get("id") == "sept-desc"
    assert root.find("svg:desc", NS).text == "Huit fils"
    assert "sans-serif" in root.get("font-family")
    assert root.get("width") is None  # scales to its container through the viewBox
    assert root.get("viewBox").startswith("0 0 640 ")


def test_standalone_has_a_declaration_and_inline_has_none():
    layout = layout_web(WEB)
    standalone = render_svg(layout, title="t", description="d", labels={})
    inline = render_svg_inline(layout, title="t", description="d", labels={})
    assert standalone.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert inline.startswith("<svg")
    assert "<?xml" not in inline
    assert standalone.endswith(inline)


def test_one_node_per_drawn_strand_and_ended_strands_are_absent():
    root = parse()
    drawn = {0, 1, 2, 4, 5, 6, 7}
    assert set(strands_by_index(root, "node")) == drawn
    assert set(strands_by_index(root, "strand")) == drawn
    assert "Old mentor" not in ET.tostring(root, encoding="unicode")


def test_user_labels_are_escaped_not_interpreted():
    svg = render_svg(layout_web(WEB), title=EVIL, description=EVIL, labels={})
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = xml(svg)
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    node = strands_by_index(root, "node")[7]
    assert node.find("svg:title", NS).text == EVIL
    assert root.find("svg:title", NS).text == EVIL


def test_control_characters_and_hostile_id_prefix_cannot_break_the_document():
    web = WebFacts(centre=CentreCard(display_name="A\x07nne"), strands=(strand("M\x00.K.\x1b"),))
    root = parse(web, id_prefix='x" onload="alert(1)')
    assert root.get("aria-labelledby") == "xonloadalert1-title xonloadalert1-desc"
    assert strands_by_index(root, "node")[0].find("svg:title", NS).text == "M.K."


def test_planned_strands_are_dashed_dormant_dotted_active_solid():
    lines = {i: g.find("svg:line", NS) for i, g in strands_by_index(parse(), "strand").items()}
    assert lines[1].get("stroke-dasharray") is None
    dashes = [float(d) for d in lines[4].get("stroke-dasharray").split()]
    assert dashes[0] > 1  # planned: dashes
    assert float(lines[6].get("stroke-dasharray").split()[0]) < 0.1  # dormant: dots
    planned_node = strands_by_index(parse(), "node")[4]
    assert planned_node.find("svg:polygon", NS).get("fill") == "#ffffff"  # hollow


def test_reciprocal_strands_carry_arrowheads_both_ways_and_i_support_outward():
    groups = strands_by_index(parse(), "strand")
    heads = {i: len(g.findall("svg:polygon[@class='arrowhead']", NS)) for i, g in groups.items()}
    assert heads == {0: 2, 1: 0, 2: 0, 4: 0, 5: 1, 6: 0, 7: 0}
    assert "strand--mutual" in groups[0].get("class")


def test_line_width_follows_strength():
    groups = strands_by_index(parse(), "strand")
    width = {i: float(g.find("svg:line", NS).get("stroke-width")) for i, g in groups.items()}
    assert width[1] < width[0] < width[2]  # strengths 3 < 8 < 10
    assert width[7] < width[1]  # no strength given: thinnest


def test_every_word_comes_from_labels_or_the_learner():
    placeholder = "Zz"
    keys = list(TEXTS) + [f"family:{f.value}" for f in ROLE_FAMILY_LABELS]
    keys += [f"role:{value}" for value in BOARD_ROLE_LABELS]
    web = WebFacts(centre=CentreCard(board_role="students"), strands=WEB.strands)
    layout = layout_web(web)
    svg = render_svg(layout, title="", description="", labels=dict.fromkeys(keys, placeholder))
    root = xml(svg)
    learner_words = {line for s in layout.strands for line in s.label_lines}
    for tspan in root.iter("{http://www.w3.org/2000/svg}tspan"):
        assert tspan.text in learner_words | {placeholder}, tspan.text


def test_the_legend_names_families_present_in_the_given_language():
    labels = {"family:teaching_colleagues": "Collègues enseignants", "mutual": "Soutien mutuel"}
    svg = render_svg_inline(layout_web(WEB), title="t", description="d", labels=labels)
    legend = xml(svg).find(".//svg:g[@class='legend']", NS)
    words = " ".join(t.text for t in legend.iter("{http://www.w3.org/2000/svg}tspan"))
    assert "Collègues enseignants" in words
    assert "Soutien mutuel" in words
    assert "Beyond the board" not in words  # no strand from beyond the board


def test_print_friendly_no_images_or_external_references():
    svg = render_svg(layout_web(WEB), title="t", description="d", labels={})
    assert "<image" not in svg
    assert "href" not in svg
    assert "url(" not in svg


@pytest.mark.parametrize("n", [0, 1, 15, 30])
def test_empty_and_crowded_webs_render(n):
    web = WebFacts(
        centre=CentreCard(),
        strands=tuple(strand(f"Collègue {i}", id=i + 1) for i in range(n)),
    )
    root = parse(web)
    assert len(strands_by_index(root, "node")) == n
    if n > 12:
        texts = root.findall(".//svg:g[@data-strand]/svg:text", NS)
        assert all(t.get("transform", "").startswith("rotate(") or n == 0 for t in texts[1:])
