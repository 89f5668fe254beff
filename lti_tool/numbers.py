"""Whole numbers from what a browser sends (a query string, a form field), bounded.

`str.isdigit` also accepts "²" and "٣", which `int()` refuses or reads, and nothing bounds the
length: a 20-digit id then reaches the database (SQLite raises OverflowError, PostgreSQL "integer
out of range"), a 500 either way. Every page that reads a number from a request reads it here.
Standard library only, so pure domain code may use it too.
"""

from __future__ import annotations

MAX_DIGITS = 9  # every 9-digit number is below 2**31, PostgreSQL's INTEGER


def whole_number(text: str | None, *, max_digits: int = MAX_DIGITS) -> int | None:
    """`text` as a whole number of at most `max_digits` ASCII digits, else None."""
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
