"""The focus ring keeps 3:1 against every surface it is drawn on (WCAG 2.1 SC 1.4.11), read from
the stylesheet itself, so a colour changed there is checked here.

The ring is an outline outside the element (`outline-offset`), so it is drawn on whatever holds
the element: the page, the header, a notice, a panel, a table header. Those are every background
the stylesheet declares, except the backgrounds of the focusable elements themselves (a button's
fill sits inside its own ring)."""

from __future__ import annotations

import re

import pytest

from lti_tool.mentoring_web.domain.web_style import contrast_ratio
from lti_tool.paths import PROJECT_ROOT

CSS = (PROJECT_ROOT / "lti_tool" / "static" / "css" / "app.css").read_text(encoding="utf-8")
FOCUSABLE = re.compile(
    r"(^|[\s,>])(a|button|input|select|textarea)\b|\.button|\.skip-link|\.link-button"
)


def _screen_css() -> str:
    """The stylesheet without its print rules (nothing is focused on paper)."""
    out, depth, skipping, i = [], 0, False, 0
    while i < len(CSS):
        if not skipping and CSS.startswith("@media print", i):
            skipping, depth = True, 0
            i = CSS.index("{", i) + 1
            depth = 1
            continue
        ch = CSS[i]
        if skipping:
            depth += (ch == "{") - (ch == "}")
            skipping = depth > 0
        else:
            out.append(ch)
        i += 1
    return re.sub(r"/\*.*?\*/", "", "".join(out), flags=re.S)


SCREEN = _screen_css()
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", SCREEN))


def _colour(value: str) -> str | None:
    value = value.strip()
    found = re.search(r"var\(--([\w-]+)\)", value)
    if found:
        return VARIABLES.get(found.group(1))
    found = re.search(r"#[0-9a-fA-F]{6}\b", value)
    if found:
        return found.group(0)
    if re.search(r"\b(#fff|white)\b", value):
        return "#ffffff"
    return None


def _rules() -> list[tuple[str, str]]:
    return [
        (selector.strip(), body)
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", SCREEN)
        if not selector.strip().startswith("@")
    ]


def focus_colours() -> set[str]:
    colours = set()
    for selector, body in _rules():
        if ":focus" in selector:
            for value in re.findall(r"outline(?:-color)?:\s*([^;]+)", body):
                if value.strip() == "none":  # `main` (the skip link's target) draws no ring
                    continue
                colour = _colour(value)
                assert colour, f"a focus outline whose colour this test cannot read: {value}"
                colours.add(colour)
    return colours


def surfaces() -> dict[str, str]:
    """Every background a focus ring can be drawn on: colour → the first selector declaring it."""
    found = {"#ffffff": "body (default)"}
    for selector, body in _rules():
        if ":focus" in selector or FOCUSABLE.search(selector.split(",")[-1]):
            continue
        for value in re.findall(r"background(?:-color)?:\s*([^;]+)", body):
            colour = _colour(value)
            if colour:
                found.setdefault(colour, selector)
    return found


def test_the_stylesheet_declares_a_focus_ring_and_the_surfaces_are_found() -> None:
    assert focus_colours(), "no :focus outline in app.css"
    assert {VARIABLES["bg"], VARIABLES["soft"]} <= set(surfaces())
    assert "#ffbf47" not in focus_colours(), "the old yellow ring was 1.6:1 on white"


@pytest.mark.parametrize("surface", sorted(surfaces()))
def test_every_focus_ring_keeps_3_to_1_against_every_surface(surface: str) -> None:
    for ring in focus_colours():
        ratio = contrast_ratio(ring, surface)
        assert ratio >= 3.0, f"focus {ring} on {surface} ({surfaces()[surface]}): {ratio:.2f}:1"


def test_the_check_fails_for_the_old_yellow_ring() -> None:
    assert contrast_ratio("#ffbf47", "#ffffff") < 3.0  # what the issue measured: about 1.6:1
