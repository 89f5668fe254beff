"""Helpers for the cohort insights tests (this module holds no tests of its own).

Learners arrive by real LTI launches and build their webs and snapshots through the tool's own
forms (test_privacy_helpers); charts are read back from the page by parsing the inline SVG.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from flask import Flask
from sqlalchemy import update
from werkzeug.test import TestResponse

from lti_tool.extensions import db
from lti_tool.mentoring_web.models import WebSnapshot
from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.test_privacy_helpers import (
    Person,
    launch_learner,
    learner_claims,
    owner_id,
    section,
)
from tests.lti_helpers import page_text

SVG = "{http://www.w3.org/2000/svg}"

# Five active strands in three role families and two models, the first one mutual: the whole
# strong-web checklist (test_cohort uses it too).
STRONG_WEB = (
    ("classroom_teacher_elementary", "peer_informal"),
    ("principal_vice_principal", "one_to_one_chosen"),
    ("instructional_coach", "peer_informal"),
    ("classroom_teacher_secondary", "peer_informal"),
    ("mentoring_lead", "one_to_one_chosen"),
)


def label(number: int, index: int) -> str:
    return f"Xylocarp label {number:03d}-{index}"


def secrets(number: int) -> list[str]:
    """Everything learner `number` wrote or is called: none of it may reach a cohort page."""
    claims = learner_claims(number)
    words = [claims[key] for key in ("name", "given_name", "family_name", "email", "sub")]
    words += [label(number, index) for index in range(len(STRONG_WEB))]
    words += [f"Goal of {number:03d} Nebula", f"Offer of {number:03d} Comet"]
    return words


def learner(app: Flask, platform: FakePlatform, number: int, **strand: object) -> Person:
    """A learner with a centre card (a goal: free text) and one active strand."""
    person = launch_learner(app, platform, number)
    person.fill_centre_card(
        board_role="classroom_teacher_elementary", goals=f"Goal of {number:03d} Nebula"
    )
    person.add_strand(label(number, 0), **strand)
    return person


def grow_to_strong_web(person: Person, number: int) -> None:
    """Add strands 1-4 of STRONG_WEB to the learner's one strand, the first of them mutual."""
    for index, (role, model) in enumerate(STRONG_WEB[1:], start=1):
        extra = (
            {"direction": "mutual", "i_offer": f"Offer of {number:03d} Comet"} if index == 1 else {}
        )
        person.add_strand(label(number, index), board_role=role, model=model, **extra)


def take_snapshot(person: Person) -> None:
    response = person.post("web/snapshots")
    assert response.status_code == 303, page_text(response)[:2000]


def date_snapshots(app: Flask, sub: str, when: datetime) -> None:
    """Backdate every snapshot of `sub`'s web in the demo course (as if taken in September)."""
    web = owner_id(app, sub)
    with app.app_context():
        db.session.execute(
            update(WebSnapshot).where(WebSnapshot.owner_id == web).values(taken_at=when)
        )
        db.session.commit()
        db.session.remove()


def chart(response: TestResponse, heading_id: str) -> ET.Element:
    """The chart (inline SVG) of the section headed `heading_id`, parsed."""
    match = re.search(r"<svg\b.*?</svg>", section(response, heading_id), re.S)
    assert match, f"no chart in {heading_id}"
    return ET.fromstring(match.group(0).encode("utf-8"))  # noqa: S314 - our own page


def bars(svg: ET.Element) -> dict[str, list[tuple[str, float | None]]]:
    """{row label: [(value text, bar length or None when no bar is drawn), one per series]}."""
    rows = {}
    for row in svg.iter(f"{SVG}g"):
        if row.get("class") != "row":
            continue
        found = []
        for bar in row.findall(f"{SVG}g"):
            if "bar" not in bar.get("class", "").split():
                continue
            text = " ".join(t.text or "" for t in bar.iter(f"{SVG}tspan"))
            fills = [r for r in bar.findall(f"{SVG}rect") if "fill" in r.get("class", "").split()]
            found.append((text, float(fills[0].get("width")) if fills else None))
        rows[row.find(f"{SVG}title").text] = found
    return rows


def values(svg: ET.Element) -> dict[str, list[str]]:
    """{row label: [value text per series]}: what the chart says in words."""
    return {name: [text for text, _length in found] for name, found in bars(svg).items()}


def track(svg: ET.Element) -> float:
    """The length of a 100% bar."""
    return float(next(r for r in svg.iter(f"{SVG}rect") if r.get("class") == "track").get("width"))
