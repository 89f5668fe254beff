"""The PNG picture: a real image of the right size, with something drawn, the same every time."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lti_tool.mentoring_web.domain.facts import CentreCard, Direction, StrandFacts, WebFacts
from lti_tool.mentoring_web.domain.layout import layout_web
from lti_tool.mentoring_web.domain.vocabulary import (
    Frequency,
    Location,
    Model,
    Status,
    StrandKind,
    Support,
)
from lti_tool.mentoring_web.domain.web_style import FAMILY_STYLES
from lti_tool.mentoring_web.services import render_png as module
from lti_tool.mentoring_web.services.render_png import render_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
    centre=CentreCard(display_name="Anne-Sophie", board_role="early_childhood_educator"),
    strands=(
        strand("M.K.", strength=8, direction=Direction.MUTUAL),
        strand("Équipe de 2e année", strength=4),
        strand("Coach", "instructional_coach", status=Status.PLANNED),
        strand("Bureau", "office_administrator", status=Status.DORMANT, strength=5),
        strand("Ma classe de 3e", "students", direction=Direction.I_SUPPORT, strength=7),
    ),
)


def image(png: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(png))
    picture.load()
    return picture


def test_a_png_of_the_requested_scale():
    layout = layout_web(WEB)
    one = render_png(layout, title="Mon réseau", labels={}, scale=1.0)
    two = render_png(layout, title="Mon réseau", labels={}, scale=2.0)
    assert one.startswith(PNG_SIGNATURE)
    assert two.startswith(PNG_SIGNATURE)
    assert image(one).width == 640
    assert image(two).width == 1280
    assert image(two).height == pytest.approx(2 * image(one).height, abs=2)
    assert image(one).height > 640  # the web, the title above it and the legend below
    assert image(one).info["Title"] == "Mon réseau"


def test_something_is_drawn_in_the_family_colours():
    picture = image(render_png(layout_web(WEB), title="t", labels={}, scale=1.0)).convert("RGB")
    colours = {colour for _count, colour in picture.getcolors(maxcolors=1 << 20)}
    assert len(colours) > 50  # antialiased shapes and text, not a blank page
    teaching = FAMILY_STYLES[WEB.strands[0].role_family][0]
    rgb = tuple(int(teaching[i : i + 2], 16) for i in (1, 3, 5))
    assert rgb in colours


def test_the_same_web_gives_the_same_bytes():
    layout = layout_web(WEB)
    assert render_png(layout, title="t", labels={}) == render_png(layout, title="t", labels={})


def test_crowded_and_empty_webs_render():
    crowded = WebFacts(
        centre=CentreCard(), strands=tuple(strand(f"Collègue {i}", id=i) for i in range(20))
    )
    empty = WebFacts(centre=CentreCard())
    assert image(render_png(layout_web(crowded), title="", labels={}, scale=0.5)).width == 320
    assert image(render_png(layout_web(empty), title="t", labels={}, scale=0.5)).width == 320


def test_without_a_system_font_accents_are_dropped_not_boxed(monkeypatch):
    monkeypatch.setattr(module, "FONT_FILES", (("no-such-font.ttf", "no-such-font-bold.ttf"),))
    module._font.cache_clear()
    try:
        png = render_png(layout_web(WEB), title="Réseau — année", labels={}, scale=0.5)
    finally:
        module._font.cache_clear()
    assert png.startswith(PNG_SIGNATURE)
    assert module._ascii("Équipe de 2e année — été") == "Equipe de 2e annee - ete"
