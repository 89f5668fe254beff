"""How the picture of a mentoring web looks: palette, node shapes, line weights and its words.

Shared by layout.py (which places things) and the SVG and PNG renderers (which paint them), so
the two pictures match. Pure: standard library and the vocabulary only. Colours are checked
numerically against WCAG contrast in tests/unit/mentoring_web/test_layout.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum

from lti_tool.mentoring_web.domain.vocabulary import (
    BOARD_ROLE_LABELS,
    N_,
    ROLE_FAMILY_LABELS,
    RoleFamily,
)

Point = tuple[float, float]


class Shape(StrEnum):
    """Each family has its own node shape, so the picture never relies on colour alone."""

    CIRCLE = "circle"
    SQUARE = "square"
    TRIANGLE = "triangle"
    DIAMOND = "diamond"
    HEXAGON = "hexagon"
    STAR = "star"
    TRIANGLE_DOWN = "triangle_down"
    CROSS = "cross"


# Fixed family order, colour and shape. Colours are at least 4.5:1 against white (text-safe);
# dormant tints keep 3:1 (lines). tests/unit/mentoring_web/test_layout.py checks both numerically.
FAMILY_STYLES: dict[RoleFamily, tuple[str, Shape]] = {
    RoleFamily.TEACHING: ("#1d5fa8", Shape.CIRCLE),
    RoleFamily.EARLY_YEARS_SUPPORT: ("#a34a00", Shape.SQUARE),
    RoleFamily.LEADERS: ("#6b3fa0", Shape.TRIANGLE),
    RoleFamily.COACHES: ("#00756f", Shape.DIAMOND),
    RoleFamily.BUSINESS_OFFICE: ("#6b6100", Shape.HEXAGON),
    RoleFamily.STUDENTS_COMMUNITY: ("#b3245f", Shape.STAR),
    RoleFamily.BEYOND_BOARD: ("#2a6e2d", Shape.TRIANGLE_DOWN),
    RoleFamily.OTHER: ("#5c5c5c", Shape.CROSS),
}
INK = "#1f2937"  # text and the centre card: 14.7:1 on white
WHITE = "#ffffff"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# English defaults for every word in the picture; views pass gettext-translated values by key.
TEXTS: dict[str, str] = {
    "me": N_("Me"),
    "strength": N_("Thicker line: stronger support"),
    "planned": N_("Dashed line, hollow shape: someone I plan to reach"),
    "dormant": N_("Dotted, paler line: dormant for now"),
    "mutual": N_("Arrows both ways: we support each other"),
    "i_support": N_("Arrow outward: I support them"),
}
LEGEND_STYLES = ("strength", "planned", "dormant", "mutual", "i_support")
# Glyph advances (ems) that differ much from the 0.6 average; capitals default to 0.7.
_ADVANCE = dict.fromkeys(" .,:;'!|ijlI", 0.3) | dict.fromkeys("frt()[]-", 0.4)
_ADVANCE |= dict.fromkeys("mwMW@%", 0.95) | dict.fromkeys("…—", 1.0)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop characters XML cannot carry (a pasted control character would break the SVG)."""
    return " ".join(_UNSAFE.sub("", text).split())


def text_width(text: str) -> float:
    """Estimated width in ems, from DejaVu Sans (wider than most system fonts, so text fits)."""
    return sum(_ADVANCE.get(c, 0.7 if c.isupper() else 0.6) for c in text)


def fit_text(text: str, width: float, max_lines: int = 1) -> tuple[str, ...]:
    """Wrap to lines at most `width` ems wide, ending with "…" if it does not fit (picture only)."""
    lines: list[str] = []
    for word in clean_text(text).split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate) <= width:
            lines[-1] = candidate
            continue
        while len(word) > 1 and text_width(word) > width:  # a long word breaks where it must
            cut = max(n for n in range(1, len(word)) if text_width(word[:n]) <= width or n == 1)
            hyphen = word.rfind("-", 0, cut)
            if hyphen > 0:  # "Vice-" / "principal" reads better than "Vice-princip" / "al"
                cut = hyphen + 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    if len(lines) <= max_lines:
        return tuple(line for line in lines if line)
    last = lines[max_lines - 1]
    while last and text_width(last + "…") > width:
        last = last[:-1]
    return (*lines[: max_lines - 1], last.rstrip(" ,;:-–—(") + "…")


def label_text(labels: Mapping[str, str], key: str) -> str:
    """The translated word for key, or its English default; keys are TEXTS, family:* and role:*."""
    if labels.get(key):
        return labels[key]
    kind, _, value = key.partition(":")
    if kind == "family":
        return ROLE_FAMILY_LABELS.get(RoleFamily(value), value)
    if kind == "role":
        return BOARD_ROLE_LABELS.get(value, value)
    return TEXTS.get(key, key)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str = WHITE) -> float:
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def tint(colour: str, amount: float) -> str:
    """Mix colour with white (amount 0 → colour, 1 → white)."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def dormant_colour(colour: str) -> str:
    """The palest tint of colour that still keeps 3:1 against white, so a dormant line stays visible."""
    for step in range(10, 0, -1):
        if contrast_ratio(tint(colour, step / 20)) >= 3.05:
            return tint(colour, step / 20)
    return colour


def stroke_width(strength: int | None, unit: float = 1.0) -> float:
    """Strength 1-10 → 2-9 units; unknown strength is drawn thinner than any rated strand."""
    if strength is None:
        return 1.5 * unit
    return (2 + 7 * (min(max(strength, 1), 10) - 1) / 9) * unit


def shape_points(shape: Shape, x: float, y: float, r: float) -> tuple[Point, ...]:
    """The outline of a node as a polygon (empty for a circle). Sizes roughly equalise areas."""
    if shape is Shape.CIRCLE:
        return ()
    polar = {
        Shape.SQUARE: ((1.2 * r, a) for a in (-135, -45, 45, 135)),
        Shape.DIAMOND: ((1.25 * r, a) for a in (-90, 0, 90, 180)),
        Shape.TRIANGLE: ((1.35 * r, a) for a in (-90, 30, 150)),
        Shape.TRIANGLE_DOWN: ((1.35 * r, a) for a in (90, 210, 330)),
        Shape.HEXAGON: ((1.1 * r, a) for a in range(0, 360, 60)),
        Shape.STAR: (((1.35 if i % 2 == 0 else 0.6) * r, -90 + 36 * i) for i in range(10)),
    }.get(shape)
    if polar is None:  # the cross: a plus sign with arms 0.4r wide
        w, e = 0.4 * r, 1.1 * r
        offsets: tuple[Point, ...]  # eight points, then four more
        offsets = ((-w, -e), (w, -e), (w, -w), (e, -w), (e, w), (w, w), (w, e), (-w, e))
        offsets += ((-w, w), (-e, w), (-e, -w), (-w, -w))
        return tuple((x + dx, y + dy) for dx, dy in offsets)
    return tuple(
        (x + d * math.cos(math.radians(a)), y + d * math.sin(math.radians(a))) for d, a in polar
    )


def ray_exit(x: float, y: float, dx: float, dy: float, polygon: tuple[Point, ...]) -> float:
    """Distance from (x, y) along unit (dx, dy) to where the ray leaves the convex-ish polygon."""
    best = 0.0
    for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        ex, ey = bx - ax, by - ay
        denominator = dx * ey - dy * ex
        if abs(denominator) < 1e-9:
            continue
        t = ((ax - x) * ey - (ay - y) * ex) / denominator
        s = ((ax - x) * dy - (ay - y) * dx) / denominator
        if t > 0 and 0 <= s <= 1:
            best = max(best, t)
    return best
