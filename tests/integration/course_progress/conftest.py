"""The progress tests decide who is in the course themselves.

A facilitator's launch may sync the course roster from the LMS (NRPS), which adds the development
platform's whole demo roster as members who never launched. These tests launch the people they
need and insert never-launched members directly (`progress_pages.add_roster_only`, what the sync
writes), so the automatic sync is off here and every test knows exactly who is listed.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def app_overrides() -> dict:
    return {"ROSTER_SYNC_ON_LAUNCH": "off"}
