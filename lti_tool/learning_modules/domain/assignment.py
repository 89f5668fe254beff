"""How a course's assigned modules are ordered for a learner, and when one is overdue.

Pure (standard library only). Learners see the modules assigned in their course first: required
before optional, then by due date (earliest first, undated last), then in catalogue order. Every
other module follows as an optional library, in catalogue order. A module is *overdue* when its due
date has passed and the learner has not completed it; due dates are soft and never block anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AssignmentTerms:
    """What a facilitator set for one module in one course."""

    slug: str
    required: bool
    due_on: date | None = None


@dataclass(frozen=True)
class LearnerItem:
    """One module on a learner's list: the assignment terms, if any, and whether it is overdue."""

    slug: str
    terms: AssignmentTerms | None
    overdue: bool = False

    @property
    def assigned(self) -> bool:
        return self.terms is not None


def is_overdue(due_on: date | None, completed: bool, today: date) -> bool:
    """The due date has passed (strictly before today) and the module is not completed."""
    return due_on is not None and due_on < today and not completed


def assigned_sort_key(terms: AssignmentTerms, position: int) -> tuple[bool, bool, date, int]:
    """Required first, then earliest due date (undated last), then catalogue position."""
    return (
        not terms.required,
        terms.due_on is None,
        terms.due_on or date.max,
        position,
    )


def learner_order(
    catalogue_slugs: Sequence[str],
    assignments: Mapping[str, AssignmentTerms],
    completed: frozenset[str] | set[str],
    today: date,
) -> tuple[tuple[LearnerItem, ...], tuple[LearnerItem, ...]]:
    """(assigned modules in the learner's order, the rest of the catalogue as a library).

    Assignments to slugs no longer in the catalogue are ignored.
    """
    position = {slug: index for index, slug in enumerate(catalogue_slugs)}
    known = [terms for slug, terms in assignments.items() if slug in position]
    known.sort(key=lambda terms: assigned_sort_key(terms, position[terms.slug]))
    assigned = tuple(
        LearnerItem(t.slug, t, is_overdue(t.due_on, t.slug in completed, today)) for t in known
    )
    library = tuple(LearnerItem(slug, None) for slug in catalogue_slugs if slug not in assignments)
    return assigned, library


def parse_due_date(text: str) -> date | None:
    """An ISO date (YYYY-MM-DD, as a date input sends it), None when blank; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    return date.fromisoformat(text) if len(text) == 10 else _invalid(text)


def _invalid(text: str) -> date:
    raise ValueError(f"not a date: {text!r}")


def grouped_by_pathway(
    pathways: Sequence[tuple[str, Sequence[str]]], catalogue_slugs: Sequence[str]
) -> list[tuple[str | None, tuple[str, ...]]]:
    """Slugs by pathway key, each listed once (under its first pathway), then any left (key None)."""
    seen: set[str] = set()
    groups: list[tuple[str | None, tuple[str, ...]]] = []
    for key, slugs in pathways:
        fresh = tuple(slug for slug in slugs if slug not in seen)
        seen.update(fresh)
        if fresh:
            groups.append((key, fresh))
    rest = tuple(slug for slug in catalogue_slugs if slug not in seen)
    if rest:
        groups.append((None, rest))
    return groups
