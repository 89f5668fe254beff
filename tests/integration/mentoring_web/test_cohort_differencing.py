"""Two reads of the cohort figures, one learner's edit in between: nothing changes.

With 11 learners, one learner adding a strand once moved two cells from "0 (0%)" to "fewer than 5"
and a strand bucket from 7 to 8 between two visits: a facilitator learnt a private strand. The
figures now come from a publication that only k or more learners' changes replace.
"""

from __future__ import annotations

import re

from flask import Flask

from tests.fake_platform import FakePlatform
from tests.integration.mentoring_web.cohort_helpers import learner
from tests.integration.mentoring_web.test_privacy_helpers import launch_as
from tests.lti_helpers import page_text

LEARNERS = 11
PAGES = ("web/cohort", "web/cohort/report")


def _figures_of(page) -> str:
    """Every figure of the page: the text of its tables and charts, without the launch's id."""
    html = page.get_data(as_text=True)
    parts = re.findall(r"<table\b.*?</table>|<svg\b.*?</svg>", html, re.S)
    assert parts, "the page shows no figures"
    return re.sub(r"/l/[^/]+/", "/l/…/", "\n".join(parts))


def _read(facilitator) -> dict[str, str]:
    return {path: _figures_of(facilitator.get(path)) for path in PAGES}


def test_one_learners_new_strand_changes_no_figure(app: Flask, fake_platform: FakePlatform):
    amelie = launch_as(app, fake_platform, "amelie")
    people = [learner(app, fake_platform, number) for number in range(1, LEARNERS + 1)]
    before = _read(amelie)
    assert f"Figures for {LEARNERS} learners" in page_text(amelie.get("web/cohort"))

    # A private strand beyond the board, with a model nobody else uses.
    people[3].add_strand(
        "Someone private", board_role="faculty_partner", model="reverse", kind="individual"
    )
    assert _read(amelie) == before
    # Nor does a second visit, nor the learner's next edit, nor her first snapshot.
    people[3].add_strand("Another private support", board_role="federation_colleague")
    people[3].post("web/snapshots")
    assert _read(amelie) == before


def test_changes_of_k_learners_are_published_together(app: Flask, fake_platform: FakePlatform):
    amelie = launch_as(app, fake_platform, "amelie")
    people = [learner(app, fake_platform, number) for number in range(1, LEARNERS + 1)]
    before = _read(amelie)
    for person in people[:4]:
        person.add_strand("A principal", board_role="principal_vice_principal")
    assert _read(amelie) == before  # four changes: still below k = 5
    people[4].add_strand("A principal", board_role="principal_vice_principal")
    after = _read(amelie)
    assert after != before  # five learners changed: the figures move, for all five at once
    leaders = re.search(r"School &amp; system leaders.*?</tr>", after["web/cohort"], re.S)
    assert leaders is not None
    assert "5 (45%)" in leaders.group(0) or "5 45%" in page_text(amelie.get("web/cohort"))
