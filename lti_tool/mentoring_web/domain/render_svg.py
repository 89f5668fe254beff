"""The picture of a mentoring web as SVG, painted from a `WebLayout` on the server.

Server-side so the picture needs no JavaScript in the LMS iframe, prints, and can be downloaded.
ElementTree builds the document, so every user-written label is escaped; the only words come from
`labels` (the view passes gettext-translated strings, keyed as in `web_style.label_text`).
The picture works in black and white: family shapes, dash patterns and arrowheads carry meaning,
colour only repeats it. `role="img"` with a <title> and <desc> gives screen readers one summary.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from lti_tool.mentoring_web.domain.layout import StrandLayout, WebLayout
from lti_tool.mentoring_web.domain.legend import LegendRow, centre_lines, layout_legend
from lti_tool.mentoring_web.domain.vocabulary import RoleFamily
from lti_tool.mentoring_web.domain.web_style import (
    FAMILY_STYLES,
    FONT_FAMILY,
    INK,
    WHITE,
    Point,
    Shape,
    clean_text,
    dormant_colour,
    shape_points,
    tint,
)

SVG_NS = "http://www.w3.org/2000/svg"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def render_svg(
    layout: WebLayout,
    *,
    title: str,
    description: str,
    labels: Mapping[str, str],
    id_prefix: str = "mentoring-web",
) -> str:
    """A standalone SVG document (a download, an <img>), with its XML declaration.

    No width or height, only a viewBox: it scales to whatever shows it (a browser window, a
    printed page, an <img> styled `width: 100%`), and editors take the viewBox as its size.
    """
    root = _picture(layout, title, description, labels, id_prefix)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode")


def render_svg_inline(
    layout: WebLayout,
    *,
    title: str,
    description: str,
    labels: Mapping[str, str],
    id_prefix: str = "mentoring-web",
) -> str:
    """The <svg> element alone, to embed in HTML; like the document, it fills its container's width.

    Give each picture on one page its own id_prefix (the <title> and <desc> ids must be unique).
    """
    return ET.tostring(_picture(layout, title, description, labels, id_prefix), encoding="unicode")


def _picture(
    layout: WebLayout, title: str, description: str, labels: Mapping[str, str], id_prefix: str
) -> ET.Element:
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", id_prefix) or "mentoring-web"
    legend = layout_legend(layout, labels)
    height = layout.size + legend.height
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {_n(layout.size)} {_n(height)}",
            "role": "img",
            "aria-labelledby": f"{prefix}-title {prefix}-desc",
            "font-family": FONT_FAMILY,
            "class": "mentoring-web",
        },
    )
    ET.SubElement(root, "title", id=f"{prefix}-title").text = clean_text(title)
    ET.SubElement(root, "desc", id=f"{prefix}-desc").text = clean_text(description)
    ET.SubElement(root, "rect", width=_n(layout.size), height=_n(height), fill=WHITE)
    _sectors(ET.SubElement(root, "g", {"class": "sectors"}), layout)
    strands = ET.SubElement(root, "g", {"class": "strands"})
    nodes = ET.SubElement(root, "g", {"class": "nodes"})
    for strand in layout.strands:
        _strand(strands, strand)
        _node(nodes, strand, layout.label_font)
    _centre(ET.SubElement(root, "g", {"class": "centre"}), layout, labels)
    if legend.rows:
        group = ET.SubElement(root, "g", {"class": "legend"})
        y = _n(legend.top)
        ET.SubElement(group, "line", x1="0", y1=y, x2=_n(layout.size), y2=y, stroke="#d1d5db")
        for row in legend.rows:
            _legend_row(group, row, layout)
    return root


def _n(value: float) -> str:
    """Numbers with one decimal: compact, and identical from run to run."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _points(points: Iterable[Point]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _sectors(group: ET.Element, layout: WebLayout) -> None:
    """A faint wedge behind each family's strands: the grouping shows before the legend is read."""
    c = layout.size / 2
    for sector in layout.sectors:
        fill = tint(FAMILY_STYLES[sector.family][0], 0.93)
        if sector.end - sector.start >= 359.9:
            ET.SubElement(group, "circle", cx=_n(c), cy=_n(c), r=_n(sector.radius), fill=fill)
            continue
        a, b = math.radians(sector.start), math.radians(sector.end)
        large = 1 if sector.end - sector.start > 180 else 0
        r = sector.radius
        path = (
            f"M{_n(c)},{_n(c)} L{_n(c + r * math.cos(a))},{_n(c + r * math.sin(a))} "
            f"A{_n(r)},{_n(r)} 0 {large} 1 {_n(c + r * math.cos(b))},{_n(c + r * math.sin(b))} Z"
        )
        ET.SubElement(group, "path", d=path, fill=fill)


def _line_attributes(colour: str, width: float, dash: tuple[float, ...]) -> dict[str, str]:
    attributes = {"stroke": colour, "stroke-width": _n(width), "stroke-linecap": "round"}
    if dash:
        attributes["stroke-dasharray"] = " ".join(_n(d) for d in dash)
    return attributes


def _strand(parent: ET.Element, strand: StrandLayout) -> None:
    css = f"strand strand--{strand.status.value} strand--{strand.direction.value}"
    group = ET.SubElement(parent, "g", {"class": css, "data-strand": str(strand.index)})
    (x1, y1), (x2, y2) = strand.line
    attributes = _line_attributes(strand.colour, strand.stroke_width, strand.dash)
    ET.SubElement(
        group, "line", {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2), **attributes}
    )
    for head in strand.arrowheads:
        ET.SubElement(group, "polygon", {"class": "arrowhead", "points": _points(head)}).set(
            "fill", strand.colour
        )


def _shape(parent: ET.Element, shape: Shape, x: float, y: float, r: float, **paint: str) -> None:
    if shape is Shape.CIRCLE:
        ET.SubElement(parent, "circle", {"cx": _n(x), "cy": _n(y), "r": _n(r), **paint})
    else:
        ET.SubElement(parent, "polygon", {"points": _points(shape_points(shape, x, y, r)), **paint})


def _node(parent: ET.Element, strand: StrandLayout, font: float) -> None:
    css = f"node node--{strand.status.value} family--{strand.family.value}"
    group = ET.SubElement(parent, "g", {"class": css, "data-strand": str(strand.index)})
    ET.SubElement(group, "title").text = strand.label
    outline = _n(max(2.5, strand.radius / 6))
    paint = {"fill": strand.fill, "stroke": strand.colour, "stroke-width": outline}
    _shape(group, strand.shape, strand.x, strand.y, strand.radius, **paint)
    extra = {}
    if strand.label_rotation:
        pivot = f"{_n(strand.label_x)} {_n(strand.label_y + 0.6 * font)}"
        extra["transform"] = f"rotate({_n(strand.label_rotation)} {pivot})"
    lines, x, top = strand.label_lines, strand.label_x, strand.label_y
    _text(group, lines, x, top, font, strand.label_anchor, **extra)


def _text(
    parent: ET.Element,
    lines: tuple[str, ...],
    x: float,
    top: float,
    size: float,
    anchor: str = "start",
    **extra: str,
) -> None:
    if not lines:
        return
    text = ET.SubElement(
        parent, "text", {"font-size": _n(size), "fill": INK, "text-anchor": anchor, **extra}
    )
    for number, line in enumerate(lines):
        baseline = top + 0.8 * size + number * 1.2 * size
        ET.SubElement(text, "tspan", x=_n(x), y=_n(baseline)).text = line


def _centre(group: ET.Element, layout: WebLayout, labels: Mapping[str, str]) -> None:
    card, unit = layout.centre, layout.unit
    ET.SubElement(
        group,
        "rect",
        {"x": _n(card.x), "y": _n(card.y), "width": _n(card.width), "height": _n(card.height)},
        rx=_n(12 * unit),
        fill=WHITE,
        stroke=INK,
        **{"stroke-width": _n(2.5 * unit)},
    )
    name, role = centre_lines(layout, labels)
    block = len(name) * 1.2 * layout.name_font + len(role) * 1.2 * layout.role_font
    top, middle = card.y + (card.height - block) / 2, card.x + card.width / 2
    _text(group, name, middle, top, layout.name_font, "middle", **{"font-weight": "bold"})
    _text(group, role, middle, top + len(name) * 1.2 * layout.name_font, layout.role_font, "middle")


def _legend_row(group: ET.Element, row: LegendRow, layout: WebLayout) -> None:
    unit, font = layout.unit, layout.legend_font
    x, y, mid = row.x, row.y + 0.6 * font, row.x + 17 * unit
    if row.key in FAMILY_STYLES:
        colour, shape = FAMILY_STYLES[RoleFamily(row.key)]
        _shape(group, shape, mid, y, 9 * unit, fill=colour, stroke=colour)
    elif row.key == "strength":
        for offset, width in ((-6, 2.0), (5, 9.0)):
            line = {"x1": _n(x), "x2": _n(x + 34 * unit), "y1": _n(y + offset * unit)}
            line["y2"] = line["y1"]
            ET.SubElement(group, "line", line, **_line_attributes(INK, width * unit, ()))
    else:
        _legend_line(group, row.key, x, y, unit)
    _text(group, row.lines, row.text_x, row.y, font)


def _legend_line(group: ET.Element, key: str, x: float, y: float, unit: float) -> None:
    """A short sample of a line style: planned, dormant, mutual or I-support."""
    width, end = 3 * unit, x + 34 * unit
    colour = dormant_colour(INK) if key == "dormant" else INK
    dash = {"planned": (6 * unit, 4 * unit), "dormant": (0.01, 6 * unit)}.get(key, ())
    start = x + 9 * unit if key == "mutual" else x
    stop = end - 9 * unit if key in ("mutual", "i_support") else end - 8 * unit
    attributes = _line_attributes(colour, width, dash)
    ET.SubElement(
        group, "line", {"x1": _n(start), "y1": _n(y), "x2": _n(stop), "y2": _n(y), **attributes}
    )
    heads = {"mutual": ((end, 1), (x, -1)), "i_support": ((end, 1),)}.get(key, ())
    for tip, sign in heads:
        base = tip - sign * 11 * unit
        points = ((tip, y), (base, y - 6 * unit), (base, y + 6 * unit))
        ET.SubElement(group, "polygon", points=_points(points), fill=INK)
    if key in ("planned", "dormant"):
        paint = {"fill": WHITE if key == "planned" else tint(colour, 0.5), "stroke": colour}
        ET.SubElement(
            group, "circle", {"cx": _n(end - 4 * unit), "cy": _n(y), "r": _n(5 * unit), **paint}
        )
