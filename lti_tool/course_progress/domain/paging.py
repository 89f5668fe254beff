"""Cutting the progress grid into pages of 50, and which page numbers to link to.

Pure (standard library only). A page number past the end shows the last page, so a link kept
from before a filter changed still lands somewhere useful. The database cuts the grid's pages
(`window` says which rows: it needs only the total), `paginate` cuts a list the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lti_tool.course_progress.domain.grid import LearnerRow

PAGE_SIZE = 50


@dataclass(frozen=True)
class PageOf:
    items: tuple[LearnerRow, ...]
    number: int  # 1-based, clamped to the pages there are
    pages: int
    total: int
    size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        """1-based position of the first item shown (0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def window(total: int, number: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """(page number clamped to the pages there are, pages, offset of its first row) for `total`
    rows: what a query's LIMIT/OFFSET needs."""
    pages = max(1, -(-total // size))
    number = min(max(number, 1), pages)
    return number, pages, (number - 1) * size


def paginate(rows: Sequence[LearnerRow], number: int, size: int = PAGE_SIZE) -> PageOf:
    number, pages, start = window(len(rows), number, size)
    return PageOf(tuple(rows[start : start + size]), number, pages, len(rows), size)


def page_links(current: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link to: the first, the last and `around` either side of the current one;
    None marks a gap ("…")."""
    wanted = {1, pages, *range(current - around, current + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= pages)
    links: list[int | None] = []
    for n in shown:
        if links and n - (links[-1] or 0) > 1:
            links.append(None)
        links.append(n)
    return links
