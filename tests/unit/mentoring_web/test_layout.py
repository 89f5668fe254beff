"""Where the picture puts things: sectors, rings, line styles, label fitting, and its colours' contrast."""

from __future__ import annotations

import ast
import itertools
import math
import sys

import pytest

from lti_tool import paths
from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, StrandFacts, WebFacts
from lti_tool.mentoring_web.domain.layout import WebLayout, layout_web
from lti_tool.mentoring_web.domain.legend import centre_lines, layout_legend
from lti_tool.mentoring_web.domain.vocabulary import (
    Frequency,
    Location,
    Model,
    RoleFamily,
    Status,
    StrandKind,
    Support,
)
from lti_tool.mentoring_web.domain.web_style import (
    FAMILY_STYLES,
    INK,
    TEXTS,
    contrast_ratio,
    dormant_colour,
    fit_text,
    relative_luminance,
    stroke_width,
    text_width,
)

ROLES = {
    RoleFamily.TEACHING: "classroom_teacher_elementary",
    RoleFamily.EARLY_YEARS_SUPPORT: "early_childhood_educator",
    RoleFamily.LEADERS: "principal_vice_principal",
    RoleFamily.COACHES: "instructional_coach",
    RoleFamily.BUSINESS_OFFICE: "office_administrator",
    RoleFamily.STUDENTS_COMMUNITY: "students",
    RoleFamily.BEYOND_BOARD: "faculty_partner",
    RoleFamily.OTHER: "other",
}


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


def many(n: int, label: str = "Équipe de 2e année, cycle moyen") -> WebFacts:
    families = list(ROLES.values())
    strands = (strand(f"{label} {i}", families[i % 8], id=i + 1) for i in range(n))
    return WebFacts(centre=CentreCard(display_name="Anne-Sophie"), strands=tuple(strands))


def by_label(layout: WebLayout) -> dict:
    return {s.label: s for s in layout.strands}


def test_layout_and_style_modules_are_pure():
    allowed = {
        "lti_tool.mentoring_web.domain." + m for m in ("vocabulary", "facts", "layout", "web_style")
    }
    for name in ("layout", "legend", "web_style"):
        path = paths.PACKAGE_ROOT / "mentoring_web" / "domain" / f"{name}.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            for module in modules:
                top = module.split(".")[0]
                assert module in allowed or top in sys.stdlib_module_names | {"__future__"}, module


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000") == pytest.approx(21)
    assert contrast_ratio("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)


@pytest.mark.parametrize("family", list(RoleFamily))
def test_every_family_colour_is_text_safe_and_its_dormant_tint_line_safe(family):
    colour, _shape = FAMILY_STYLES[family]
    assert contrast_ratio(colour) >= 4.5
    pale = dormant_colour(colour)
    assert contrast_ratio(pale) >= 3.0
    assert relative_luminance(pale) > relative_luminance(colour)  # visibly lighter
    assert contrast_ratio(INK) >= 4.5
    assert contrast_ratio(dormant_colour(INK)) >= 3.0


def test_each_family_has_its_own_shape_and_colour():
    assert set(FAMILY_STYLES) == set(RoleFamily)
    assert len({shape for _c, shape in FAMILY_STYLES.values()}) == len(RoleFamily)
    assert len({colour for colour, _s in FAMILY_STYLES.values()}) == len(RoleFamily)


def test_ended_strands_are_not_drawn_and_indices_point_back_to_the_facts():
    web = WebFacts(
        centre=CentreCard(),
        strands=(strand("M.K."), strand("Old mentor", status=Status.ENDED), strand("Priya")),
    )
    layout = layout_web(web)
    assert [(s.index, s.label) for s in layout.strands] == [(0, "M.K."), (2, "Priya")]


def test_sectors_follow_the_fixed_family_order_clockwise_from_the_top():
    web = WebFacts(
        centre=CentreCard(),
        strands=(
            strand("Elder Mary", ROLES[RoleFamily.STUDENTS_COMMUNITY], id=1),
            strand("Mr. Osei", ROLES[RoleFamily.LEADERS], id=2),
            strand("M.K.", id=3),
            strand("Équipe de 2e année", id=4),
        ),
    )
    layout = layout_web(web)
    assert layout.families == (
        RoleFamily.TEACHING,
        RoleFamily.LEADERS,
        RoleFamily.STUDENTS_COMMUNITY,
    )
    first = layout.strands[0]
    assert first.label == "M.K."
    assert first.x == pytest.approx(layout.size / 2)
    assert first.y < layout.size / 2
    assert [s.label for s in layout.strands] == [
        "M.K.",
        "Équipe de 2e année",
        "Mr. Osei",
        "Elder Mary",
    ]
    spans = [(sector.start, sector.end) for sector in layout.sectors]
    assert spans == sorted(spans)
    assert spans[0][0] == pytest.approx(-90 - 45)
    assert spans[-1][1] == pytest.approx(spans[0][0] + 360)


def test_layout_is_deterministic_and_independent_of_input_order():
    web = many(9)
    shuffled = WebFacts(centre=web.centre, strands=tuple(reversed(web.strands)))
    assert layout_web(web) == layout_web(web)
    first, second = by_label(layout_web(web)), by_label(layout_web(shuffled))
    assert {k: (v.x, v.y) for k, v in first.items()} == {k: (v.x, v.y) for k, v in second.items()}


def test_the_picture_scales_with_width():
    small, large = layout_web(many(5), width=320), layout_web(many(5), width=640)
    for a, b in zip(small.strands, large.strands, strict=True):
        assert (2 * a.x, 2 * a.y, 2 * a.stroke_width) == pytest.approx((b.x, b.y, b.stroke_width))


def test_line_weight_grows_with_strength_and_unknown_is_thinnest():
    widths = [stroke_width(s) for s in range(1, 11)]
    assert widths == sorted(widths)
    assert len(set(widths)) == 10
    assert (widths[0], widths[-1]) == (2.0, 9.0)
    assert stroke_width(None) < widths[0]
    web = WebFacts(centre=CentreCard(), strands=(strand("A", strength=2), strand("B", strength=9)))
    a, b = layout_web(web).strands
    assert a.stroke_width < b.stroke_width


def test_status_variants_solid_dotted_dashed_and_hollow():
    web = WebFacts(
        centre=CentreCard(),
        strands=(
            strand("Active", strength=6),
            strand("Dormant", strength=6, status=Status.DORMANT),
            strand("Planned", status=Status.PLANNED),
        ),
    )
    active, dormant, planned = layout_web(web).strands
    assert active.dash == ()
    assert active.fill == active.colour
    assert dormant.dash[0] < 0.1
    assert dormant.colour == dormant_colour(active.colour)
    assert planned.dash[0] > 1
    assert planned.fill == "#ffffff"


@pytest.mark.parametrize(
    ("direction", "outward", "inward"),
    [(Direction.SUPPORTS_ME, 0, 0), (Direction.I_SUPPORT, 1, 0), (Direction.MUTUAL, 1, 1)],
)
def test_arrowheads_show_who_supports_whom(direction, outward, inward):
    layout = layout_web(
        WebFacts(centre=CentreCard(), strands=(strand("M.K.", direction=direction),))
    )
    c = layout.size / 2
    found = {"out": 0, "in": 0}
    for tip, left, right in layout.strands[0].arrowheads:
        base = ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2)
        away = math.dist(tip, (c, c)) > math.dist(base, (c, c))
        found["out" if away else "in"] += 1
    assert (found["out"], found["in"]) == (outward, inward)


@pytest.mark.parametrize("n", [1, 2, 5, 9, 12, 13, 20, 24, 25, 36])
def test_nodes_never_overlap_and_stay_inside_the_picture(n):
    layout = layout_web(many(n))
    for a, b in itertools.combinations(layout.strands, 2):
        assert math.dist((a.x, a.y), (b.x, b.y)) > 1.35 * (a.radius + b.radius)
    for s in layout.strands:
        assert s.x - 1.35 * s.radius > 0
        assert s.x + 1.35 * s.radius < layout.size


def _label_box(s, font: float) -> tuple[float, float, float, float]:
    width = max(text_width(line) for line in s.label_lines) * font
    left = {"start": s.label_x, "middle": s.label_x - width / 2, "end": s.label_x - width}
    return (left[s.label_anchor], s.label_y, width, len(s.label_lines) * 1.2 * font)


@pytest.mark.parametrize("n", [1, 3, 6, 9, 12])
def test_level_labels_fit_the_picture_and_do_not_collide(n):
    layout = layout_web(many(n))
    boxes = [_label_box(s, layout.label_font) for s in layout.strands]
    for x, y, w, h in boxes:
        assert x >= 0
        assert x + w <= layout.size
        assert y >= 0
        assert y + h <= layout.size
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(boxes, 2):
        assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1


def test_crowded_webs_turn_labels_along_their_strands():
    assert all(s.label_rotation == 0 for s in layout_web(many(12)).strands)
    crowded = layout_web(many(13))
    assert all(s.label_rotation != 0 or s.x == pytest.approx(320) for s in crowded.strands)
    assert all(len(s.label_lines) == 1 for s in crowded.strands)
    rings = {round(math.dist((s.x, s.y), (320, 320))) for s in layout_web(many(30)).strands}
    assert len(rings) == 2  # more than 24 strands: a second ring


def test_fit_text_wraps_truncates_and_cleans():
    assert fit_text("Équipe de 2e année", 6, 2) == ("Équipe de", "2e année")
    assert fit_text("Équipe de 2e année", 4, 2) == ("Équipe", "de 2e…")
    assert fit_text("M.K.", 6, 2) == ("M.K.",)
    assert fit_text("a\x00b\x1f  c\n", 10) == ("ab c",)
    assert fit_text("Supercalifragilistic", 3, 2)[-1].endswith("…")
    assert all(text_width(line) <= 3 for line in fit_text("Supercalifragilistic", 3, 2))


def test_centre_card_shows_me_or_the_name_and_the_translated_role():
    web = WebFacts(centre=CentreCard(board_role="early_childhood_educator"))
    labels = {"me": "Moi", "role:early_childhood_educator": "Éducatrice (EPEI)"}
    assert centre_lines(layout_web(web), labels) == (("Moi",), ("Éducatrice (EPEI)",))
    named = WebFacts(centre=CentreCard(display_name="Anne-Sophie Tremblay"))
    assert centre_lines(layout_web(named), {}) == (("Anne-Sophie", "Tremblay"), ())


def test_legend_lists_families_present_and_line_styles_in_use():
    web = WebFacts(
        centre=CentreCard(),
        strands=(
            strand("M.K.", direction=Direction.MUTUAL, strength=8),
            strand("Coach", ROLES[RoleFamily.COACHES], status=Status.PLANNED),
        ),
    )
    labels = {"family:teaching_colleagues": "Collègues enseignants", "planned": "Prévu"}
    legend = layout_legend(layout_web(web), labels)
    keys = [row.key for row in legend.rows]
    assert keys == ["teaching_colleagues", "coaches_consultants", "strength", "planned", "mutual"]
    assert legend.rows[0].lines == ("Collègues enseignants",)
    assert legend.rows[3].lines == ("Prévu",)
    assert legend.height > 0
    assert legend.top == 640
    assert set(TEXTS) >= {"strength", "planned", "dormant", "mutual", "i_support", "me"}
    assert layout_legend(layout_web(WebFacts(centre=CentreCard())), {}).height == 0


def test_a_long_hyphenated_word_breaks_after_its_hyphen() -> None:
    from lti_tool.mentoring_web.domain.web_style import fit_text

    assert fit_text("Vice-principal", 6, 2) == ("Vice-", "principal")
