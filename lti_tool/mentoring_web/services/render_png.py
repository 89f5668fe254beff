"""The picture of a mentoring web as PNG, painted with Pillow from the same `WebLayout` as the SVG.

For places an SVG cannot go (a portfolio document, an e-mail, a slide). The title is drawn on top
because a PNG travels without its page. Drawn at twice the size and scaled down, for smooth edges.
Fonts: Pillow's bundled font has no accented letters (no "é"), so a system sans-serif is tried first
(DejaVu, Liberation, Noto, Arial); with none installed, accents are dropped rather than boxed.
"""

from __future__ import annotations

import functools
import io
import math
import unicodedata
from collections.abc import Mapping

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from lti_tool.mentoring_web.domain.layout import WebLayout
from lti_tool.mentoring_web.domain.legend import LegendRow, centre_lines, layout_legend
from lti_tool.mentoring_web.domain.vocabulary import RoleFamily
from lti_tool.mentoring_web.domain.web_style import (
    FAMILY_STYLES,
    INK,
    WHITE,
    Point,
    Shape,
    clean_text,
    dormant_colour,
    fit_text,
    shape_points,
    tint,
)

SUPERSAMPLE = 2
TITLE_FONT = 22  # at width 640, like the other sizes in layout.py
FONT_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont | ImageFont.TransposedFont


def render_png(
    layout: WebLayout, *, title: str, labels: Mapping[str, str], scale: float = 2.0
) -> bytes:
    """PNG bytes, round(size * scale) pixels wide; the same input always gives the same bytes."""
    legend = layout_legend(layout, labels)
    unit, size = layout.unit, layout.size
    title_font = TITLE_FONT * unit
    title_lines = fit_text(title, (size - 24 * unit) / (1.1 * title_font), 2)
    band = (len(title_lines) * 1.2 * title_font + 16 * unit) if title_lines else 0
    k = scale * SUPERSAMPLE
    image = Image.new("RGB", (round(size * k), round((band + size + legend.height) * k)), WHITE)
    painter = _Painter(image, k, band)
    painter.text(title_lines, size / 2, 10 * unit - band, title_font, "m", bold=True)
    _web(painter, layout, labels)
    if legend.rows:
        painter.line(((0, legend.top), (size, legend.top)), "#d1d5db", unit)
        for row in legend.rows:
            _legend_row(painter, row, layout)
    final = (round(size * scale), round((band + size + legend.height) * scale))
    image = image.resize(final, Image.Resampling.LANCZOS)
    info = PngInfo()
    info.add_itxt("Title", clean_text(title))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, optimize=False)
    return buffer.getvalue()


@functools.cache
def _font(pixels: int, bold: bool) -> tuple[Font, bool]:
    """A scalable font and whether it has accented letters (Pillow's own does not)."""
    for regular, heavy in FONT_FILES:
        try:
            return ImageFont.truetype(heavy if bold else regular, pixels), True
        except OSError:
            continue
    return ImageFont.load_default(size=pixels), False


def _ascii(text: str) -> str:
    """Fallback for a font without accents: "Équipe" → "Equipe", dashes → "-"."""
    text = text.replace("—", "-").replace("–", "-")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class _Painter:
    """Pillow drawing in layout units: scales every length and shifts below the title band."""

    def __init__(self, image: Image.Image, k: float, band: float) -> None:
        self.image, self.draw, self.k, self.band = image, ImageDraw.Draw(image), k, band

    def xy(self, point: Point) -> tuple[float, float]:
        return (point[0] * self.k, (point[1] + self.band) * self.k)

    def px(self, length: float) -> int:
        return max(1, round(length * self.k))

    def polygon(self, points: tuple[Point, ...], fill: str, outline: str, width: float) -> None:
        self.draw.polygon([self.xy(p) for p in points], fill=fill)
        self.draw.line(
            [self.xy(p) for p in (*points, points[0])],
            fill=outline,
            width=self.px(width),
            joint="curve",
        )

    def circle(self, centre: Point, r: float, fill: str, outline: str, width: float = 0) -> None:
        (x, y), rr = self.xy(centre), r * self.k
        self.draw.ellipse((x - rr, y - rr, x + rr, y + rr), fill=fill)
        if width:
            self.draw.ellipse(
                (x - rr, y - rr, x + rr, y + rr), outline=outline, width=self.px(width)
            )

    def shape(
        self, shape: Shape, centre: Point, r: float, fill: str, outline: str, width: float
    ) -> None:
        if shape is Shape.CIRCLE:
            self.circle(centre, r, fill, outline, width)
        else:
            self.polygon(shape_points(shape, *centre, r), fill, outline, width)

    def line(
        self, ends: tuple[Point, Point], colour: str, width: float, dash: tuple[float, ...] = ()
    ) -> None:
        """A round-capped line; dashes are cut by hand (Pillow has none), dots drawn as discs."""
        (x1, y1), (x2, y2) = ends
        length = math.hypot(x2 - x1, y2 - y1)
        on, off = dash if dash else (length, 0.0)
        position = 0.0
        while position <= length:
            a, b = position / (length or 1), min(position + on, length) / (length or 1)
            start = (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a)
            stop = (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)
            if b > a:
                self.draw.line([self.xy(start), self.xy(stop)], fill=colour, width=self.px(width))
            for end in (start, stop):
                self.circle(end, width / 2, colour, colour)
            position += on + off
            if not off:
                break

    def text(
        self,
        lines: tuple[str, ...],
        x: float,
        top: float,
        size: float,
        anchor: str = "l",
        *,
        bold: bool = False,
    ) -> None:
        font, accents = _font(self.px(size), bold)
        for number, line in enumerate(lines):
            baseline = top + 0.8 * size + number * 1.2 * size
            self.draw.text(
                self.xy((x, baseline)),
                line if accents else _ascii(line),
                fill=INK,
                font=font,
                anchor=anchor + "s",
            )

    def turned_text(self, line: str, pivot: Point, size: float, anchor: str, angle: float) -> None:
        """One line turned `angle` degrees clockwise about pivot (at x, mid-height of the line)."""
        font, accents = _font(self.px(size), False)
        text = line if accents else _ascii(line)
        pad, height = self.px(size) // 2, self.px(2 * size)
        width = round(font.getlength(text)) + 2 * pad
        canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
        x = pad if anchor == "l" else width - pad
        baseline = height / 2 + 0.2 * size * self.k
        ImageDraw.Draw(canvas).text((x, baseline), text, fill=INK, font=font, anchor=anchor + "s")
        turned = canvas.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
        # Where the pivot went: rotate its offset from the canvas centre, add the new centre.
        vx, vy, a = x - width / 2, 0.0, math.radians(angle)
        px = turned.width / 2 + vx * math.cos(a) - vy * math.sin(a)
        py = turned.height / 2 + vx * math.sin(a) + vy * math.cos(a)
        target_x, target_y = self.xy(pivot)
        self.image.paste(turned, (round(target_x - px), round(target_y - py)), turned)


def _web(painter: _Painter, layout: WebLayout, labels: Mapping[str, str]) -> None:
    c, unit = layout.size / 2, layout.unit
    for sector in layout.sectors:
        fill, r = tint(FAMILY_STYLES[sector.family][0], 0.93), sector.radius
        (x0, y0), (x1, y1) = painter.xy((c - r, c - r)), painter.xy((c + r, c + r))
        if sector.end - sector.start >= 359.9:
            painter.draw.ellipse((x0, y0, x1, y1), fill=fill)
        else:
            painter.draw.pieslice((x0, y0, x1, y1), sector.start, sector.end, fill=fill)
    for strand in layout.strands:
        painter.line(strand.line, strand.colour, strand.stroke_width, strand.dash)
        for head in strand.arrowheads:
            painter.polygon(head, strand.colour, strand.colour, 0.5 * unit)
    anchors = {"start": "l", "middle": "m", "end": "r"}
    for strand in layout.strands:
        outline = max(2.5, strand.radius / 6)
        painter.shape(
            strand.shape, (strand.x, strand.y), strand.radius, strand.fill, strand.colour, outline
        )
        lines, x, top, anchor = (
            strand.label_lines,
            strand.label_x,
            strand.label_y,
            anchors[strand.label_anchor],
        )
        if strand.label_rotation and lines:
            pivot = (x, top + 0.6 * layout.label_font)
            painter.turned_text(lines[0], pivot, layout.label_font, anchor, strand.label_rotation)
        else:
            painter.text(lines, x, top, layout.label_font, anchor)
    card = layout.centre
    box = (*painter.xy((card.x, card.y)), *painter.xy((card.x + card.width, card.y + card.height)))
    painter.draw.rounded_rectangle(
        box, radius=12 * unit * painter.k, fill=WHITE, outline=INK, width=painter.px(2.5 * unit)
    )
    name, role = centre_lines(layout, labels)
    block = len(name) * 1.2 * layout.name_font + len(role) * 1.2 * layout.role_font
    top, middle = card.y + (card.height - block) / 2, card.x + card.width / 2
    painter.text(name, middle, top, layout.name_font, "m", bold=True)
    painter.text(role, middle, top + len(name) * 1.2 * layout.name_font, layout.role_font, "m")


def _legend_row(painter: _Painter, row: LegendRow, layout: WebLayout) -> None:
    """The same symbols as render_svg's legend: a family shape or a sample of a line style."""
    unit, font = layout.unit, layout.legend_font
    x, y = row.x, row.y + 0.6 * font
    end = x + 34 * unit
    if row.key in FAMILY_STYLES:
        colour, shape = FAMILY_STYLES[RoleFamily(row.key)]
        painter.shape(shape, (x + 17 * unit, y), 9 * unit, colour, colour, unit)
    elif row.key == "strength":
        painter.line(((x, y - 6 * unit), (end, y - 6 * unit)), INK, 2 * unit)
        painter.line(((x, y + 5 * unit), (end, y + 5 * unit)), INK, 9 * unit)
    else:
        colour = dormant_colour(INK) if row.key == "dormant" else INK
        dash = {"planned": (6 * unit, 4 * unit), "dormant": (0.01, 6 * unit)}.get(row.key, ())
        start = x + 9 * unit if row.key == "mutual" else x
        stop = end - 9 * unit if row.key in ("mutual", "i_support") else end - 8 * unit
        painter.line(((start, y), (stop, y)), colour, 3 * unit, dash)
        heads = {"mutual": ((end, 1), (x, -1)), "i_support": ((end, 1),)}.get(row.key, ())
        for tip, sign in heads:
            base = tip - sign * 11 * unit
            painter.polygon(
                ((tip, y), (base, y - 6 * unit), (base, y + 6 * unit)), INK, INK, 0.5 * unit
            )
        if row.key in ("planned", "dormant"):
            fill = WHITE if row.key == "planned" else tint(colour, 0.5)
            painter.circle((end - 4 * unit, y), 5 * unit, fill, colour, unit)
    painter.text(row.lines, row.text_x, row.y, font)
