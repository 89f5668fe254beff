"""Where everything in the picture of a mentoring web goes: pure geometry, no drawing.

The SVG and PNG renderers only paint what this module decides, so both show the same picture and
every placement rule is unit-testable from `WebFacts` literals. Pure like the `domain` modules
(standard library, facts, vocabulary and web_style only). Lengths are viewBox units; `unit` is 1 at width 640, so
the picture keeps its proportions at any size. The person sits at the centre; strands are grouped
into one angular sector per role family, always in `FAMILY_STYLES` order from the top clockwise, so
this year's web can be laid beside last year's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lti_tool.mentoring_web.domain.facts import Direction, StrandFacts, WebFacts
from lti_tool.mentoring_web.domain.vocabulary import RoleFamily, Status
from lti_tool.mentoring_web.domain.web_style import (
    FAMILY_STYLES,
    WHITE,
    Point,
    Shape,
    clean_text,
    dormant_colour,
    fit_text,
    ray_exit,
    shape_points,
    stroke_width,
    tint,
)

RING_CAPACITY = 12  # beyond this, labels turn along their strands; beyond twice this, two rings
# Ring radii as a share of the side: level labels need room beside the nodes; labels along the
# strands need room beyond them, so crowded webs use a smaller ring (and a second, from 25 strands).
RING, RADIAL_RING, SECOND_RING = 0.28, 0.25, 0.27
RING_STEP = 0.05
# Font sizes at width 640: the picture is read at 320-700 px, so labels stay >= 10 px at 320.
LABEL_FONT, NAME_FONT, ROLE_FONT, LEGEND_FONT = 20, 21, 16, 18


@dataclass(frozen=True)
class CentreLayout:
    x: float  # top-left of the card
    y: float
    width: float
    height: float
    display_name: str  # "" → the renderer writes TEXTS["me"]
    board_role: str | None
    text_width: float  # room for a line of text on the card


@dataclass(frozen=True)
class StrandLayout:
    index: int  # position in WebFacts.strands
    label: str  # the full label (a tooltip); label_lines is the fitted version
    label_lines: tuple[str, ...]
    label_x: float
    label_y: float  # top of the first line
    label_anchor: str  # SVG text-anchor: start, middle or end
    label_rotation: float  # degrees clockwise about (label_x, label_y + 0.6 font); 0 = level
    family: RoleFamily
    shape: Shape
    status: Status
    direction: Direction
    strength: int | None
    x: float
    y: float
    radius: float
    line: tuple[Point, Point]  # card edge → node edge, shortened under any arrowheads
    stroke_width: float
    dash: tuple[float, ...]  # () is a solid line
    colour: str  # line and outline
    fill: str
    arrowheads: tuple[tuple[Point, ...], ...]


@dataclass(frozen=True)
class Sector:
    family: RoleFamily
    start: float  # degrees, clockwise from 3 o'clock (SVG and Pillow agree)
    end: float
    radius: float


@dataclass(frozen=True)
class WebLayout:
    size: float  # the square web's side; a legend (layout_legend) goes below it
    unit: float
    centre: CentreLayout
    strands: tuple[StrandLayout, ...]
    sectors: tuple[Sector, ...]
    label_font: float
    name_font: float
    role_font: float
    legend_font: float

    @property
    def families(self) -> tuple[RoleFamily, ...]:
        return tuple(sector.family for sector in self.sectors)


def _order(strand: StrandFacts) -> tuple[int, bool, int, str]:
    """Family order, then creation order (ids), so a strand keeps its place as the web grows."""
    family_rank = list(FAMILY_STYLES).index(strand.role_family)
    return (family_rank, strand.id is None, strand.id or 0, strand.label.casefold())


def layout_web(web: WebFacts, *, width: int = 640) -> WebLayout:
    """Place the person, every strand that has not ended, and the family sectors (deterministic)."""
    size, unit = float(width), width / 640
    drawn = sorted(
        ((i, s) for i, s in enumerate(web.strands) if s.status is not Status.ENDED),
        key=lambda pair: _order(pair[1]),
    )
    card_w, card_h = 0.27 * size, 104 * unit
    centre = CentreLayout(
        x=(size - card_w) / 2,
        y=(size - card_h) / 2,
        width=card_w,
        height=card_h,
        display_name=clean_text(web.centre.display_name),
        board_role=web.centre.board_role,
        text_width=card_w - 16 * unit,
    )
    strands = tuple(
        _place(k, index, strand, len(drawn), centre, size, unit)
        for k, (index, strand) in enumerate(drawn)
    )
    return WebLayout(
        size=size,
        unit=unit,
        centre=centre,
        strands=strands,
        sectors=_sectors(strands, size, unit),
        label_font=LABEL_FONT * unit,
        name_font=NAME_FONT * unit,
        role_font=ROLE_FONT * unit,
        legend_font=LEGEND_FONT * unit,
    )


def _place(
    k: int, index: int, strand: StrandFacts, n: int, centre: CentreLayout, size: float, unit: float
) -> StrandLayout:
    radial = n > RING_CAPACITY  # crowded: labels turn along their strand, one line each
    rings = 1 if n <= 2 * RING_CAPACITY else 2
    step, ring = 2 * math.pi / n, k % rings
    theta = -math.pi / 2 + k * step
    dx, dy = math.cos(theta), math.sin(theta)
    ring_radius = (_outer_ring(n) - RING_STEP * ring) * size
    r = (13 if radial else 18) * unit
    x, y = size / 2 + ring_radius * dx, size / 2 + ring_radius * dy
    colour, shape = FAMILY_STYLES[strand.role_family]
    fill, width = colour, stroke_width(strand.strength, unit)
    dash: tuple[float, ...] = ()
    if strand.status is Status.PLANNED:
        fill, dash = WHITE, (3 * width + 7 * unit, 2 * width + 5 * unit)
    elif strand.status is Status.DORMANT:
        colour = dormant_colour(colour)
        fill, dash = tint(colour, 0.5), (0.01, 1.6 * width + 4 * unit)
    polygon = shape_points(shape, x, y, r)
    exit_node = ray_exit(x, y, -dx, -dy, polygon) if polygon else r
    half_w, half_h = centre.width / 2, centre.height / 2
    start = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    line, heads = _line(
        strand.direction,
        size / 2,
        dx,
        dy,
        start + 3 * unit,
        ring_radius - exit_node - 3 * unit,
        width,
        unit,
    )
    label_font = LABEL_FONT * unit
    reach = _outer_ring(n) * size + 1.35 * r + 5 * unit
    if radial:
        lines, ax, ay, anchor, rotation = _radial_label(
            strand.label, theta, reach, size, label_font
        )
        top = ay - 0.6 * label_font
    else:
        lines, ax, ay, anchor = _beside_label(strand.label, x, y, r, theta, reach, n, size, unit)
        block, rotation = len(lines) * 1.2 * label_font, 0.0
        top = (ay - block if dy < 0 else ay) if anchor == "middle" else ay - block / 2
    return StrandLayout(
        index=index,
        label=clean_text(strand.label),
        label_lines=lines,
        label_x=ax,
        label_y=top,
        label_anchor=anchor,
        label_rotation=rotation,
        family=strand.role_family,
        shape=shape,
        status=strand.status,
        direction=strand.direction,
        strength=strand.strength,
        x=x,
        y=y,
        radius=r,
        line=line,
        stroke_width=width,
        dash=dash,
        colour=colour,
        fill=fill,
        arrowheads=heads,
    )


def _outer_ring(n: int) -> float:
    if n <= RING_CAPACITY:
        return RING
    return RADIAL_RING if n <= 2 * RING_CAPACITY else SECOND_RING


def _line(
    direction: Direction,
    c: float,
    dx: float,
    dy: float,
    start: float,
    end: float,
    width: float,
    unit: float,
) -> tuple[tuple[Point, Point], tuple[tuple[Point, ...], ...]]:
    """The strand from the card (start) to the node (end), with arrowheads for who supports whom."""

    def along(distance: float) -> Point:
        return (c + distance * dx, c + distance * dy)

    head, half = 7 * unit + 2.2 * width, 3.5 * unit + 1.3 * width
    heads, line_start, line_end = [], start, end
    if direction in (Direction.MUTUAL, Direction.I_SUPPORT):
        heads.append(_arrowhead(along(end), dx, dy, head, half))
        line_end = end - 0.7 * head
    if direction is Direction.MUTUAL:
        heads.append(_arrowhead(along(start), -dx, -dy, head, half))
        line_start = start + 0.7 * head
    return (along(line_start), along(line_end)), tuple(heads)


def _beside_label(
    label: str,
    x: float,
    y: float,
    r: float,
    theta: float,
    reach: float,
    n: int,
    size: float,
    unit: float,
) -> tuple[tuple[str, ...], float, float, str]:
    """Up to two horizontal lines: beside a node on the sides, above or below it at the poles."""
    font, margin, dx = LABEL_FONT * unit, 6 * unit, math.cos(theta)
    if abs(dx) > 0.3:  # beside the node: the most room for text, and close to its node
        ax, ay = x + math.copysign(1.35 * r + 5 * unit, dx), y + 0.4 * r * math.sin(theta)
        anchor, room = ("start", size - margin - ax) if dx > 0 else ("end", ax - margin)
    else:
        ax, ay = size / 2 + reach * dx, size / 2 + reach * math.sin(theta)
        anchor, room = "middle", 2 * min(ax - margin, size - margin - ax)
        if n > 2:  # no wider than the gap to the neighbouring labels
            room = min(room, 2 * reach * math.sin(math.pi / n) - 8 * unit)
    room = min(max(room, 4 * font), 11 * font)
    return fit_text(label, room / font, 2), ax, ay, anchor


def _radial_label(
    label: str, theta: float, reach: float, size: float, font: float
) -> tuple[tuple[str, ...], float, float, str, float]:
    """One line along the strand's ray, read left to right on both halves of the web."""
    dx, dy = math.cos(theta), math.sin(theta)
    edge = min((size / 2 - 0.7 * font) / abs(d) if abs(d) > 1e-9 else math.inf for d in (dx, dy))
    ax, ay = size / 2 + reach * dx, size / 2 + reach * dy
    rotation = math.degrees(theta) if dx >= -1e-9 else math.degrees(theta) + 180
    anchor = "start" if dx >= -1e-9 else "end"
    return fit_text(label, (edge - reach) / font, 1), ax, ay, anchor, rotation


def _arrowhead(tip: Point, dx: float, dy: float, length: float, half: float) -> tuple[Point, ...]:
    """A triangle with its tip at `tip`, pointing along the unit vector (dx, dy)."""
    bx, by = tip[0] - length * dx, tip[1] - length * dy
    return (tip, (bx - half * dy, by + half * dx), (bx + half * dy, by - half * dx))


def _sectors(strands: tuple[StrandLayout, ...], size: float, unit: float) -> tuple[Sector, ...]:
    if not strands:
        return ()
    step = 360 / len(strands)
    radius = _outer_ring(len(strands)) * size + 32 * unit
    sectors: list[Sector] = []
    for k, strand in enumerate(strands):
        angle = -90 + k * step
        if sectors and sectors[-1].family is strand.family:
            sectors[-1] = Sector(strand.family, sectors[-1].start, angle + step / 2, radius)
        else:
            sectors.append(Sector(strand.family, angle - step / 2, angle + step / 2, radius))
    return tuple(sectors)
