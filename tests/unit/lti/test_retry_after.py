"""`Retry-After` as LMSs send it (RFC 9110 §10.2.3): seconds, or an HTTP date; anything else is
ignored rather than trusted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from lti_tool.lti.service_client import retry_after_seconds


def test_seconds_are_read_as_seconds():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(" 0 ") == 0


def test_an_http_date_is_the_wait_until_then():
    later = datetime.now(UTC) + timedelta(minutes=5)
    wait = retry_after_seconds(format_datetime(later, usegmt=True))
    assert wait is not None
    assert 290 <= wait <= 300


@pytest.mark.parametrize(
    "value", [None, "", "soon", "-5", "1.5", "²", "9" * 40, "Mon, 99 Foo 2026 25:61:61 GMT"]
)
def test_anything_else_is_no_instruction(value):
    assert retry_after_seconds(value) is None


def test_a_date_in_the_past_means_now():
    assert retry_after_seconds("Mon, 01 Jan 2001 00:00:00 GMT") == 0
