"""Browser-test configuration shared by every module of tests/browser."""

from __future__ import annotations

import pytest


@pytest.fixture
def tool_overrides() -> dict:
    """Settings for the served tool (`served_tool`); override in a test module to change them."""
    return {}
