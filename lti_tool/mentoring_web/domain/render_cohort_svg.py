"""Bar charts of the anonymous cohort figures as SVG, drawn on the server (issue 5 point 3).

Server-side for the same reasons as the web's picture (render_svg): no JavaScript in the LMS
iframe, and the charts print. Pure: the caller passes every word already translated and every
value already formatted (`Value.text`: "5 (50 %)", "not shown"), so this module needs neither
Flask nor Babel and is unit-tested from literals. ElementTree builds the document, so labels are
escaped. Each chart is a `role="img"` with a <title> and <desc>; the page puts the same figures in
a table beside it, which is the text equivalent.

How it reads without colour: every bar carries its value in words; a suppressed figure is drawn as
its "not shown" text and no bar at all (a short bar would still be a figure); in a then/now
chart the first snapshot is a hollow, hatched bar above today's solid one, and a legend says so.
Colours are checked numerically in tests/unit/mentoring_web/test_render_cohort_svg.py: bars 3:1
and text 4.5:1 against the white background and the pale track behind each bar.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from lti_tool.mentoring_web.domain.web_style import FONT_FAMILY, INK, WHITE, clean_text, fit_text
from lti_tool.mentoring_web.domain.web_style import text_width as em_width

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 440.0  # about the width it is shown at beside its table, so 13 units read as 13px
FONT = 13.0  # viewBox units; the chart scales to its container, so this is relative
PAD = 8.0
BAR = 16.0  # bar thickness
BAR_GAP = 3.0  # between the then and now bars of one row
ROW_GAP = 9.0
LABEL_MAX = 0.42  # the label column takes at most this share of the width
LABEL_LINES = 3
TRACK = "#eef1f4"  # the 100% track behind each bar: decorative, bars keep 3:1 against it
HATCH_SPACING = 6.0
LEGEND_HEIGHT = BAR + ROW_GAP + PAD


@dataclass(frozen=True)
class SeriesStyle:
    """How one series is painted: its colour, and whether it is hollow and hatched."""

    colour: str
    hatched: bool


# One series: solid blue. Two (then, now): the first snapshot hollow and hatched in brown, today
# solid blue. Both colours are text-safe (4.5:1) on white, more than the 3:1 bars need.
SINGLE = (SeriesStyle("#1d5fa8", hatched=False),)
THEN_NOW = (SeriesStyle("#8a3f00", hatched=True), SeriesStyle("#1d5fa8", hatched=False))
CANVAS_COLOURS = (WHITE, TRACK)  # what bars and text can sit on


@dataclass(frozen=True)
class Value:
    """One bar: its share (0-1), or None when suppressed (no bar, only the text)."""

    share: float | None
    text: str  # the value in words, translated and formatted by the caller


@dataclass(frozen=True)
class Row:
    """A category of the chart (a strand count, a role family...) with one value per series."""

    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart; `series` names the two series of a then/now chart (the legend)."""

    title: str
    description: str
    rows: tuple[Row, ...]
    series: tuple[str, ...] = ()


def render_chart(chart: Chart, *, id_prefix: str) -> str:
    """The <svg> element to embed in HTML; no width or height, so it fills its container.

    Give each chart on one page its own id_prefix (the <title> and <desc> ids must be unique).
    """
    styles = _styles(chart)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", id_prefix) or "cohort-chart"
    labels = [fit_text(row.label, _label_ems(chart), LABEL_LINES) for row in chart.rows]
    label_width = max((em_width(line) for lines in labels for line in lines), default=0) * FONT
    value_width = max((em_width(v.text) for r in chart.rows for v in r.values), default=0) * FONT
    bars_x = PAD + label_width + PAD
    bars_width = max(WIDTH - bars_x - value_width - 2 * PAD, WIDTH * 0.2)
    top = PAD + (LEGEND_HEIGHT if len(styles) > 1 else 0)
    row_tops, y = [], top
    for lines in labels:
        row_tops.append(y)
        y += _row_height(lines, len(styles)) + ROW_GAP
    height = y - ROW_GAP + PAD
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {_n(WIDTH)} {_n(height)}",
            "role": "img",
            "aria-labelledby": f"{prefix}-title {prefix}-desc",
            "font-family": FONT_FAMILY,
            "class": "cohort-chart",
        },
    )
    ET.SubElement(root, "title", id=f"{prefix}-title").text = clean_text(chart.title)
    ET.SubElement(root, "desc", id=f"{prefix}-desc").text = clean_text(chart.description)
    ET.SubElement(root, "rect", width=_n(WIDTH), height=_n(height), fill=WHITE)
    if len(styles) > 1:
        _legend(root, chart.series, styles)
    for index, (row, lines, row_top) in enumerate(zip(chart.rows, labels, row_tops, strict=True)):
        group = ET.SubElement(root, "g", {"class": "row", "data-row": str(index)})
        ET.SubElement(group, "title").text = clean_text(row.label)
        block = _row_height(lines, len(styles))
        text_top = row_top + (block - len(lines) * 1.2 * FONT) / 2
        _text(group, lines, PAD, text_top, css="label")
        bar_top = row_top + (block - _bars_height(len(styles))) / 2
        for series, (value, style) in enumerate(zip(row.values, styles, strict=True)):
            y_bar = bar_top + series * (BAR + BAR_GAP)
            _bar(group, value, style, series, bars_x, y_bar, bars_width)
    return ET.tostring(root, encoding="unicode")


def _styles(chart: Chart) -> tuple[SeriesStyle, ...]:
    if len(chart.series) > len(THEN_NOW):
        raise ValueError("a chart has one series, or two (then and now)")
    styles = THEN_NOW if len(chart.series) == 2 else SINGLE
    for row in chart.rows:
        if len(row.values) != len(styles):
            raise ValueError(f"row {row.label!r} has {len(row.values)} values, not {len(styles)}")
    return styles


def _label_ems(chart: Chart) -> float:
    """How wide a label line may be, in ems: its own width, up to LABEL_MAX of the chart."""
    longest = max((em_width(clean_text(row.label)) for row in chart.rows), default=0)
    return min(longest, WIDTH * LABEL_MAX / FONT)


def _bars_height(series: int) -> float:
    return series * BAR + (series - 1) * BAR_GAP


def _row_height(lines: tuple[str, ...], series: int) -> float:
    return max(len(lines) * 1.2 * FONT, _bars_height(series))


def _legend(root: ET.Element, names: Sequence[str], styles: Sequence[SeriesStyle]) -> None:
    group = ET.SubElement(root, "g", {"class": "legend"})
    x = PAD
    for series, (name, style) in enumerate(zip(names, styles, strict=True)):
        item = ET.SubElement(group, "g", {"class": "legend-item", "data-series": str(series)})
        _paint(item, style, x, PAD, 2.5 * BAR, BAR)
        text = clean_text(name)
        _text(item, (text,), x + 2.5 * BAR + 6, PAD + (BAR - 1.2 * FONT) / 2, css="series")
        x += 2.5 * BAR + 6 + em_width(text) * FONT + 3 * PAD


def _bar(
    group: ET.Element,
    value: Value,
    style: SeriesStyle,
    series: int,
    x: float,
    y: float,
    width: float,
) -> None:
    suppressed = value.share is None
    css = "bar bar--suppressed" if suppressed else "bar"
    bar = ET.SubElement(group, "g", {"class": css, "data-series": str(series)})
    box = {"x": _n(x), "y": _n(y), "width": _n(width), "height": _n(BAR)}
    ET.SubElement(bar, "rect", {"class": "track", **box}, fill=TRACK)
    text_x = x + 6
    if value.share is not None:
        length = width * min(max(value.share, 0.0), 1.0)
        if length > 0:
            _paint(bar, style, x, y, length, BAR)
        text_x = x + length + 6
    extra = {"font-style": "italic"} if suppressed else {}
    _text(bar, (clean_text(value.text),), text_x, y + (BAR - 1.2 * FONT) / 2, css="value", **extra)


def _paint(parent: ET.Element, style: SeriesStyle, x: float, y: float, w: float, h: float) -> None:
    """A solid bar, or a hollow one with diagonal hatching (the first snapshot)."""
    box = {"x": _n(x), "y": _n(y), "width": _n(w), "height": _n(h)}
    if not style.hatched:
        ET.SubElement(parent, "rect", {"class": "fill", **box}, fill=style.colour)
        return
    outline = {"fill": WHITE, "stroke": style.colour, "stroke-width": "2"}
    ET.SubElement(parent, "rect", {"class": "fill fill--hatched", **box}, **outline)
    hatch = ET.SubElement(parent, "g", {"class": "hatch", "stroke": style.colour})
    hatch.set("stroke-width", "1.5")
    offset = HATCH_SPACING
    while offset < w + h:  # 45° lines u + v = offset, clipped to the box by hand (no url())
        x1, y1 = x + min(offset, w), y + offset - min(offset, w)
        x2, y2 = x + max(0.0, offset - h), y + min(offset, h)
        ET.SubElement(hatch, "line", x1=_n(x1), y1=_n(y1), x2=_n(x2), y2=_n(y2))
        offset += HATCH_SPACING


def _text(
    parent: ET.Element, lines: Sequence[str], x: float, top: float, *, css: str, **extra: str
) -> None:
    text = ET.SubElement(
        parent, "text", {"class": css, "font-size": _n(FONT), "fill": INK, **extra}
    )
    for number, line in enumerate(lines):
        baseline = top + 0.9 * FONT + number * 1.2 * FONT
        ET.SubElement(text, "tspan", x=_n(x), y=_n(baseline)).text = line


def _n(value: float) -> str:
    """Numbers with one decimal: compact, and identical from run to run."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
