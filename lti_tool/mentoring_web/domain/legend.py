"""The words around the web: the centre card's lines and the legend under the picture.

Separate from layout.py because these depend on the translated `labels` the view passes, while
the web's geometry does not. Pure, like layout.py; both renderers paint what this returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lti_tool.mentoring_web.domain.facts import Direction
from lti_tool.mentoring_web.domain.layout import WebLayout
from lti_tool.mentoring_web.domain.vocabulary import Status
from lti_tool.mentoring_web.domain.web_style import LEGEND_STYLES, fit_text, label_text


@dataclass(frozen=True)
class LegendRow:
    key: str  # a RoleFamily value or one of LEGEND_STYLES
    x: float  # left of the symbol; text starts at text_x
    y: float  # top of the row
    text_x: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LegendLayout:
    top: float
    height: float
    rows: tuple[LegendRow, ...]


def centre_lines(
    layout: WebLayout, labels: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The card's name lines (the display name, else "Me") and role lines, fitted to the card."""
    centre = layout.centre
    name_width = centre.text_width / (1.1 * layout.name_font)  # the name is bold
    role_width = centre.text_width / layout.role_font
    name = fit_text(centre.display_name or label_text(labels, "me"), name_width, 2)
    if not centre.board_role:
        return name, ()
    return name, fit_text(label_text(labels, f"role:{centre.board_role}"), role_width, 2)


def layout_legend(layout: WebLayout, labels: Mapping[str, str]) -> LegendLayout:
    """Two columns under the web: the families present, then the line styles in use."""
    unit, font, strands = layout.unit, layout.legend_font, layout.strands
    present = {
        "strength": bool(strands),
        "planned": any(s.status is Status.PLANNED for s in strands),
        "dormant": any(s.status is Status.DORMANT for s in strands),
        "mutual": any(s.direction is Direction.MUTUAL for s in strands),
        "i_support": any(s.direction is Direction.I_SUPPORT for s in strands),
    }
    columns = (
        [(f.value, label_text(labels, f"family:{f.value}")) for f in layout.families],
        [(style, label_text(labels, style)) for style in LEGEND_STYLES if present[style]],
    )
    margin, gap, symbol = 10 * unit, 16 * unit, 44 * unit
    col_width = (layout.size - 2 * margin - gap) / 2
    text_room = (col_width - symbol) / font
    top, rows, bottom = layout.size, [], layout.size
    for number, entries in enumerate(columns):
        x, y = margin + number * (col_width + gap), top + 8 * unit
        for key, text in entries:
            lines = fit_text(text, text_room, 3)
            rows.append(LegendRow(key=key, x=x, y=y, text_x=x + symbol, lines=lines))
            y += len(lines) * 1.25 * font + 9 * unit
        bottom = max(bottom, y)
    return LegendLayout(top=top, height=bottom - top + 8 * unit if rows else 0, rows=tuple(rows))
