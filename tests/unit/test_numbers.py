"""Whole numbers from requests: ASCII digits only, bounded in length."""

from __future__ import annotations

import pytest

from lti_tool.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("7", 7), ("999999999", 999_999_999), ("0012", 12)],
)
def test_ascii_digits_within_the_bound_are_read(text: str, expected: int) -> None:
    assert whole_number(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "²", "٣", "-1", "+1", " 1", "1.0", "1e3", "1000000000", "9" * 20]
)
def test_anything_else_is_none(text: str | None) -> None:
    assert whole_number(text) is None


def test_the_bound_is_a_number_of_digits() -> None:
    assert whole_number("123456", max_digits=6) == 123456
    assert whole_number("1234567", max_digits=6) is None
