"""What the grades page's query string asks for, read and bounded in one place."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from lti_tool.grades.domain import Status
from lti_tool.numbers import whole_number

ALL = "all"
STATUS_FILTERS = (ALL, Status.FAILED.value, Status.PENDING.value, Status.DELIVERED.value)


@dataclass(frozen=True)
class GradesQuery:
    status: str  # one of STATUS_FILTERS; an unknown one reads as "all"
    page: int


def grades_query(args: MultiDict) -> GradesQuery:
    status = args.get("status", ALL)
    return GradesQuery(
        status=status if status in STATUS_FILTERS else ALL,
        page=whole_number(args.get("page")) or 1,
    )
