"""What the roster page's query string asks for, read and bounded in one place."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from lti_tool.numbers import whole_number
from lti_tool.people.models import MEMBER_STATUSES

STATUS_FILTERS = ("all", *MEMBER_STATUSES)
SEARCH_MAX_CHARS = 100


@dataclass(frozen=True)
class RosterQuery:
    status: str  # one of STATUS_FILTERS; an unknown one reads as "active"
    search: str
    page: int


def roster_query(args: MultiDict) -> RosterQuery:
    status = args.get("status", "active")
    return RosterQuery(
        status=status if status in STATUS_FILTERS else "active",
        search=args.get("q", "")[:SEARCH_MAX_CHARS],
        page=whole_number(args.get("page")) or 1,
    )


def wants_full_sync(form: MultiDict) -> bool:
    return form.get("full") == "1"
